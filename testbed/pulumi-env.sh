# Source this to run the toolchain's Pulumi CLI by hand, offline, against the project's local
# state backend:   source testbed/pulumi-env.sh && pulumi preview --stack lab
# (the same environment testbed/pulumi.ts gives every invocation the project makes).
_ovirt_lab_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_ovirt_lab_root/.toolchain/pulumi-v3.248.0/bin:$PATH"
export PULUMI_HOME="$_ovirt_lab_root/.toolchain/home"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
# The project's local state backend, unless one is given (the PR workflow passes the lab's own).
if [[ -z "${PULUMI_BACKEND_URL:-}" ]]; then
  mkdir -p "$_ovirt_lab_root/.state/backend"
  export PULUMI_BACKEND_URL="file://$_ovirt_lab_root/.state/backend"
fi
# The demo lab's passphrase; set your own before sourcing for a real lab.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-ovirt-lab-demo}"
unset _ovirt_lab_root
