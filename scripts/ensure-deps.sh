#!/usr/bin/env bash
# ensure-deps.sh: make sure the system packages neurodyn builds against are
# present. On Debian/Ubuntu as root it installs what is missing with apt-get;
# otherwise it prints the exact command to run and exits 1.
#
# Usage: scripts/ensure-deps.sh [core|python|slurm|brian|torch|qemu|bochs]...
#   core    Go toolchain, C compiler, pkg-config, libhdf5 (default)
#   python  python3 with venv and pip (for the Python package and its tests)
#   slurm   slurm-wlm (for make test-slurm)
#   brian   python3-brian (Brian2, for the comparison benchmarks)
#   torch   python3-torch (PyTorch, for gradient cross-checks and benchmarks)
#   qemu    qemu-user (runs the arm64 build of the kernels' tests)
#   bochs   the Bochs emulator, its BIOSes and an ISOLINUX boot CD toolchain
#           (runs the AVX-512 kernels' tests on an emulated AVX-512 CPU)
set -euo pipefail

need_pkgs=()
want() { need_pkgs+=("$@"); }

check_core() {
	command -v go >/dev/null 2>&1 || { echo "neurodyn needs Go >= 1.26: see https://go.dev/doc/install" >&2; exit 1; }
	command -v gcc >/dev/null 2>&1 || want gcc libc6-dev
	command -v pkg-config >/dev/null 2>&1 || want pkg-config
	if ! pkg-config --exists hdf5 2>/dev/null && ! pkg-config --exists hdf5-serial 2>/dev/null; then
		want libhdf5-dev
	fi
	command -v h5dump >/dev/null 2>&1 || want hdf5-tools
}
check_python() {
	command -v python3 >/dev/null 2>&1 || want python3
	python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || want python3-venv
}
check_slurm() {
	command -v slurmctld >/dev/null 2>&1 || want slurm-wlm
	command -v sbatch >/dev/null 2>&1 || want slurm-client
}
check_brian() { /usr/bin/python3 -c 'import brian2' >/dev/null 2>&1 || want python3-brian; }
check_torch() { /usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || want python3-torch; }
check_qemu() { command -v qemu-aarch64 >/dev/null 2>&1 || want qemu-user; }
check_bochs() {
	command -v bochs-bin >/dev/null 2>&1 || want bochs
	local p
	for p in bochs-term bochsbios vgabios isolinux syslinux-common; do
		dpkg -s "$p" >/dev/null 2>&1 || want "$p"
	done
	command -v xorriso >/dev/null 2>&1 || want xorriso
	command -v cpio >/dev/null 2>&1 || want cpio
	command -v script >/dev/null 2>&1 || want bsdutils
}

[ $# -eq 0 ] && set -- core
for what in "$@"; do
	case "$what" in
	core) check_core ;;
	python) check_python ;;
	slurm) check_slurm ;;
	brian) check_brian ;;
	torch) check_torch ;;
	qemu) check_qemu ;;
	bochs) check_bochs ;;
	*) echo "ensure-deps.sh: unknown group '$what' (allowed: core python slurm brian torch qemu bochs)" >&2; exit 2 ;;
	esac
done

[ ${#need_pkgs[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing missing packages: ${need_pkgs[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
	# The downloaded .deb files are not needed once installed.
	apt-get clean
	exit 0
fi
echo "neurodyn needs these system packages: ${need_pkgs[*]}" >&2
if command -v apt-get >/dev/null 2>&1; then
	echo "install them with:  sudo apt-get install -y ${need_pkgs[*]}" >&2
else
	echo "on a cluster, load an HDF5 module and set:" >&2
	echo "  export CGO_CFLAGS=\"\$(pkg-config --cflags hdf5)\" CGO_LDFLAGS=\"\$(pkg-config --libs hdf5) -lhdf5_hl\"" >&2
	echo "or build without HDF5 (pure Go, HDF5 writing disabled): make NOHDF5=1 ..." >&2
fi
exit 1
