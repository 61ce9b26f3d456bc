#!/usr/bin/env bash
# Installs the official oVirt Python SDK (ovirtsdk4) into <repo>/.toolchain/sdk-venv for the
# conformance suite (tests/conformance/). Idempotent: a second run checks a stamp and an import and
# does nothing. Bounded in time (apt and pip each under `timeout`). Prints one summary line on stdout;
# progress goes to stderr.
#
# Build needs: ovirt-engine-sdk-python is an sdist with a C extension over libxml2 (gcc, the Python
# headers, libxml2-dev); pycurl comes as a manylinux wheel with its own libcurl, so no libcurl-dev.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
venv="$repo/.toolchain/sdk-venv"
requirements="$here/requirements.txt"
readonly APT_PACKAGES=(gcc python3-dev python3-venv libxml2-dev)
readonly PYTHON=/usr/bin/python3

die() {
	echo "sdk/install.sh: $*" >&2
	exit 1
}

stamp=$( { cat "$requirements"; echo "apt=${APT_PACKAGES[*]}"; } | sha256sum | cut -d' ' -f1)
sdk_version=$(sed -n 's/^ovirt-engine-sdk-python==//p' "$requirements")

if [[ -f "$venv/.stamp" && "$(cat "$venv/.stamp")" == "$stamp" ]] &&
	"$venv/bin/python" -c 'import ovirtsdk4' 2>/dev/null; then
	echo "sdk: ovirt-engine-sdk-python $sdk_version already in .toolchain/sdk-venv (nothing to do)"
	exit 0
fi

start=$(date +%s)
missing=()
for p in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
apt_note="build deps present"
if ((${#missing[@]} > 0)); then
	command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
	sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
	echo "sdk/install.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	# One `apt-get update` only when the package lists are empty or the install cannot find a package.
	if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
		timeout 300 "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed"
	fi
	if ! timeout 600 "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
		timeout 300 "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed"
		timeout 600 "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
			die "apt-get install ${missing[*]} failed"
	fi
	apt_note="apt installed ${missing[*]}"
fi

[[ -x "$PYTHON" ]] || die "$PYTHON is missing (Debian's python3)"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
timeout 120 "$PYTHON" -m venv "$venv" >&2 || die "python3 -m venv failed"
timeout 600 "$venv/bin/pip" install --disable-pip-version-check --no-input -q \
	--no-cache-dir -r "$requirements" >&2 || die "pip install -r $requirements failed"
"$venv/bin/python" -c 'import ovirtsdk4' || die "ovirtsdk4 does not import after the install"
echo "$stamp" >"$venv/.stamp"
echo "sdk: installed ovirt-engine-sdk-python $sdk_version into .toolchain/sdk-venv ($apt_note, $(($(date +%s) - start)) s)"
