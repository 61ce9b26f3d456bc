#!/usr/bin/env bash
# Builds the offline Pulumi toolchain for this repository from the Go module proxy and npm
# (no get.pulumi.com, no GitHub), caches it per machine and copies it into <repo>/.toolchain/:
#
#   .toolchain/pulumi-v3.248.0/bin/pulumi                          CLI (github.com/pulumi/pulumi/pkg/v3)
#   .toolchain/pulumi-v3.248.0/bin/pulumi-language-nodejs          language host (testbed/toolchain/go/cmd/...)
#   .toolchain/pulumi-v3.248.0/bin/pulumi-resource-pulumi-nodejs   dynamic-provider plugin (from node_modules)
#   .toolchain/command-v1.2.1/pulumi-resource-command              command provider (when the proxy serves it)
#   .toolchain/home/plugins/resource-command-v1.2.1/               the same, installed for PULUMI_HOME
#   .toolchain/bin/actionlint                                      GitHub Actions linter (github.com/rhysd/actionlint)
#
# Machine cache: ${OVIRT_LAB_CACHE:-$HOME/.cache/ovirt-lab}/toolchain/. A second run does nothing.
# Prints one summary line on stdout; build progress goes to stderr.
set -euo pipefail

readonly PULUMI_VERSION=v3.248.0
readonly COMMAND_VERSION=v1.2.1
# github.com/pulumi/pulumi-command/provider has no tags under provider/: commit 7f3eb6f3b77c.
readonly COMMAND_PKG=github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command
readonly COMMAND_PSEUDO=v0.0.0-20260303235922-7f3eb6f3b77c
readonly BUILD_TAGS=osusergo,grpcnotrace
readonly ACTIONLINT_VERSION=v1.7.12

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
gomod_dir="$here/go"
out="$repo/.toolchain"
pulumi_out="$out/pulumi-$PULUMI_VERSION"
command_out="$out/command-$COMMAND_VERSION"
home="$out/home"
cache="${OVIRT_LAB_CACHE:-$HOME/.cache/ovirt-lab}/toolchain"
pulumi_cache="$cache/pulumi-$PULUMI_VERSION"
command_cache="$cache/command-$COMMAND_VERSION"

die() {
	echo "build.sh: $*" >&2
	exit 1
}
say() { echo "build.sh: $*" >&2; }

# Keep every pulumi call made here off the network.
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
	PULUMI_DISABLE_REGISTRY_RESOLVE=true

dyn_plugin_src="$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[[ -f "$dyn_plugin_src" ]] ||
	die "$dyn_plugin_src is missing: run \`npm ci\` in $repo first"

# What the pulumi binaries are built from: a change to any of it invalidates both caches.
stamp_of_inputs() {
	{
		echo "pulumi=$PULUMI_VERSION tags=$BUILD_TAGS cgo=0 trimpath"
		cat "$gomod_dir/go.mod" "$gomod_dir/go.sum"
		find "$gomod_dir" -name '*.go' -type f -print0 | LC_ALL=C sort -z | xargs -0 cat
	} | sha256sum | cut -d' ' -f1
}
stamp=$(stamp_of_inputs)

# pulumi_ok DIR: DIR holds both binaries, built from these inputs, and the CLI says its version.
pulumi_ok() {
	local d=$1
	[[ -x "$d/pulumi" && -x "$d/pulumi-language-nodejs" && -f "$d/.stamp" ]] || return 1
	[[ "$(cat "$d/.stamp")" == "$stamp" ]] || return 1
	[[ "$("$d/pulumi" version 2>/dev/null)" == "$PULUMI_VERSION" ]] || return 1
}

# copy_exec SRC DST: copy atomically (a running binary is never overwritten in place).
copy_exec() {
	local tmp
	tmp="$(dirname -- "$2")/.$(basename -- "$2").tmp.$$"
	cp -f -- "$1" "$tmp"
	chmod 0755 "$tmp"
	mv -f -- "$tmp" "$2"
}

go_cmd() {
	local go
	if command -v go >/dev/null 2>&1; then
		command -v go
	elif [[ -x /usr/local/go/bin/go ]]; then
		echo /usr/local/go/bin/go
	else
		die "no Go toolchain found (need Go >= 1.25.11 on PATH or in /usr/local/go)"
	fi
}

build_pulumi() {
	local go tmp ldflags
	go=$(go_cmd)
	export GOTOOLCHAIN=local CGO_ENABLED=0
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.pulumi-build.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	mkdir -p "$tmp/bin"
	say "building pulumi $PULUMI_VERSION with $("$go" version | cut -d' ' -f3) (takes minutes on 2 cores)"
	ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
	(cd "$gomod_dir" && "$go" build -buildvcs=false -trimpath -tags "$BUILD_TAGS" -ldflags "$ldflags" \
		-o "$tmp/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ||
		die "go build of the pulumi CLI failed (a 'requires go >=' error means this Go is too old; GOTOOLCHAIN=local forbids downloading one)"
	(cd "$gomod_dir" && "$go" build -buildvcs=false -trimpath -tags "$BUILD_TAGS" -ldflags "-X main.version=${PULUMI_VERSION#v}" \
		-o "$tmp/bin/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs) ||
		die "go build of pulumi-language-nodejs failed"
	echo "$stamp" >"$tmp/bin/.stamp"
	pulumi_ok "$tmp/bin" || die "the freshly built pulumi does not print $PULUMI_VERSION"
	rm -rf "$pulumi_cache.old"
	[[ -d "$pulumi_cache" ]] && mv "$pulumi_cache" "$pulumi_cache.old"
	mv "$tmp" "$pulumi_cache"
	rm -rf "$pulumi_cache.old"
	trap - EXIT
}

# ---- pulumi CLI, language host, dynamic-provider plugin ----------------------------------
pulumi_did=""
if pulumi_ok "$pulumi_out/bin" && cmp -s "$dyn_plugin_src" "$pulumi_out/bin/pulumi-resource-pulumi-nodejs"; then
	pulumi_did="already present"
else
	if pulumi_ok "$pulumi_cache/bin"; then
		pulumi_did="copied from cache"
	else
		build_pulumi
		pulumi_did="built"
	fi
	mkdir -p "$pulumi_out/bin"
	rm -f "$pulumi_out/bin/.stamp"
	copy_exec "$pulumi_cache/bin/pulumi" "$pulumi_out/bin/pulumi"
	copy_exec "$pulumi_cache/bin/pulumi-language-nodejs" "$pulumi_out/bin/pulumi-language-nodejs"
	copy_exec "$dyn_plugin_src" "$pulumi_out/bin/pulumi-resource-pulumi-nodejs"
	cp -f "$pulumi_cache/bin/.stamp" "$pulumi_out/bin/.stamp"
	pulumi_ok "$pulumi_out/bin" || die "copy into $pulumi_out/bin failed"
fi
pulumi_bin="$pulumi_out/bin/pulumi"

# ---- command provider (its own module graph: go install pkg@version) ----------------------
command_did=""
command_bin="$command_out/pulumi-resource-command"
command_unavailable="$command_cache/UNAVAILABLE" # holds the refusal; its presence stops retries
build_command() {
	local go tmp log
	go=$(go_cmd)
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.command-build.XXXXXX")
	log="$tmp/go-install.log"
	say "building pulumi-resource-command $COMMAND_VERSION ($COMMAND_PKG@$COMMAND_PSEUDO)"
	if ! GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$tmp" "$go" install -buildvcs=false -trimpath -tags "$BUILD_TAGS" \
		-ldflags "-X github.com/pulumi/pulumi-command/provider/pkg/version.Version=$COMMAND_VERSION" \
		"$COMMAND_PKG@$COMMAND_PSEUDO" >"$log" 2>&1; then
		if grep -qE '403 Forbidden|404 Not Found|410 Gone|not available|unknown revision' "$log"; then
			say "the Go module proxy does not serve $COMMAND_PKG@$COMMAND_PSEUDO:"
			sed 's/^/build.sh:   /' "$log" | tail -n 3 >&2
			mkdir -p "$command_cache"
			cp -f "$log" "$command_unavailable"
			rm -rf "$tmp"
			return 2
		fi
		cat "$log" >&2
		rm -rf "$tmp"
		die "go install of pulumi-resource-command failed"
	fi
	mkdir -p "$command_cache"
	copy_exec "$tmp/pulumi-resource-command" "$command_cache/pulumi-resource-command"
	rm -f "$command_unavailable"
	rm -rf "$tmp"
}
# Present = in the repo and, when the cache has one too, the same file.
if [[ -x "$command_bin" ]] && { [[ ! -e "$command_cache/pulumi-resource-command" ]] ||
	cmp -s "$command_bin" "$command_cache/pulumi-resource-command"; }; then
	command_did="already present"
else
	rc=0
	if [[ -x "$command_cache/pulumi-resource-command" ]]; then
		command_did="copied from cache"
	elif [[ -f "$command_unavailable" && -z "${OVIRT_LAB_RETRY_COMMAND:-}" ]]; then
		rc=2 # refused before: do not ask the proxy again on every run
	else
		build_command || rc=$?
		command_did="built"
	fi
	if ((rc == 2)); then
		command_did="UNAVAILABLE (the Go module proxy refuses github.com/pulumi/pulumi-command/provider;"
		command_did+=" OVIRT_LAB_RETRY_COMMAND=1 asks again)"
	else
		mkdir -p "$command_out"
		copy_exec "$command_cache/pulumi-resource-command" "$command_bin"
	fi
fi

# Install it for PULUMI_HOME=<repo>/.toolchain/home, from the file (no download).
if [[ -x "$command_bin" ]]; then
	installed="$home/plugins/resource-command-$COMMAND_VERSION/pulumi-resource-command"
	if ! cmp -s "$command_bin" "$installed" 2>/dev/null; then
		mkdir -p "$home"
		PULUMI_HOME="$home" "$pulumi_bin" plugin install resource command "${COMMAND_VERSION#v}" \
			--file "$command_bin" --reinstall >&2 ||
			die "pulumi plugin install resource command ${COMMAND_VERSION#v} --file failed"
		command_did="$command_did, installed in .toolchain/home"
	fi
fi

# ---- actionlint (validates the pull-request workflow in the tests) -------------------------
actionlint_cache="$cache/actionlint-$ACTIONLINT_VERSION"
actionlint_bin="$out/bin/actionlint"
if [[ -x "$actionlint_bin" ]] && cmp -s "$actionlint_bin" "$actionlint_cache/actionlint" 2>/dev/null; then
	actionlint_did="already present"
else
	if [[ -x "$actionlint_cache/actionlint" ]]; then
		actionlint_did="copied from cache"
	else
		say "building actionlint $ACTIONLINT_VERSION"
		mkdir -p "$actionlint_cache"
		GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$actionlint_cache" "$(go_cmd)" install -trimpath \
			"github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2 ||
			die "go install of actionlint $ACTIONLINT_VERSION failed"
		actionlint_did="built"
	fi
	mkdir -p "$out/bin"
	copy_exec "$actionlint_cache/actionlint" "$actionlint_bin"
fi

echo "toolchain: pulumi $PULUMI_VERSION $pulumi_did; command $COMMAND_VERSION $command_did; actionlint $ACTIONLINT_VERSION $actionlint_did ($out)"
