#!/usr/bin/env bash
# avx512-bochs.sh: run the asm package's tests on an emulated AVX-512 CPU.
#
# No development or CI machine of the project has AVX-512, and QEMU's TCG does
# not emulate it; Bochs does (its Skylake-X model: AVX-512F/CD/BW/DQ/VL). This
# script boots Debian's cloud kernel in Bochs from an ISOLINUX CD whose
# initramfs holds two static binaries, /init (internal/bochsinit) and
# /asm.test (the asm package's tests), runs the tests whose names match
# ASM_TESTS on the avx512 path against the pure-Go references (the other
# paths are tested natively; TestCTRNNForwardPaths compares all three), and
# fails unless they pass with the avx512 path offered.
#
# Usage: scripts/avx512-bochs.sh [workdir]      (default build/avx512)
# Environment: ASM_TESTS (a -test.run pattern), ASM_SHORT=1 for -test.short,
#   ASM_PATHS (the paths the per-kernel tests run; default avx512),
#   ASM_VERBOSE=1 for -test.v,
#   BOCHS_TIMEOUT (seconds per attempt, default 600; a run takes about 5
#   minutes).
# Needs: scripts/ensure-deps.sh bochs (installs what is missing as root), Go,
# and apt-get download access to Debian's linux-image-cloud-amd64.
set -euo pipefail

work=${1:-build/avx512}
tests=${ASM_TESTS:-'TestCTRNNForwardPaths|TestSelect|TestGemv$|TestGemvBetaZero|TestStep$|TestTanh$|TestEdgePairs|TestSignedZeroUnderflow|TestZeroAllocs$'}
short=${ASM_SHORT:-1}
paths=${ASM_PATHS:-avx512}
verbose=${ASM_VERBOSE:-0}
timeout_s=${BOCHS_TIMEOUT:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)

# The kernel: the newest linux-image-*-cloud-amd64 the package lists name
# (the cloud flavour boots fastest: few drivers; 8250 serial console, devtmpfs
# and gzip initramfs are built in), downloaded once into the work directory.
kernel=$(find "$work" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -1)
if [ -z "$kernel" ]; then
	findpkg() { apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'; }
	pkg=$(findpkg)
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -qq && pkg=$(findpkg)
	fi
	if [ -z "$pkg" ]; then
		echo "avx512-bochs: cannot find Debian's linux-image-cloud-amd64 (apt-cache depends); run apt-get update" >&2
		exit 1
	fi
	(cd "$work" && apt-get download "$pkg" >/dev/null 2>&1) || {
		echo "avx512-bochs: apt-get download $pkg failed" >&2; exit 1; }
	rm -rf "$work/kpkg" && dpkg-deb -x "$work/$pkg"_*.deb "$work/kpkg"
	cp "$work"/kpkg/boot/vmlinuz-* "$work/" && rm -rf "$work/kpkg" "$work/$pkg"_*.deb
	kernel=$(find "$work" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -1)
fi

# The initramfs: no device nodes and no mount points (bochsinit creates /dev
# and /proc and mounts devtmpfs and proc), so no root needed.
rm -rf "$work/initrd" "$work/cd" && mkdir -p "$work/initrd" "$work/cd/isolinux"
(cd "$root" && CGO_ENABLED=0 go build -o "$work/initrd/init" ./internal/bochsinit)
(cd "$root" && CGO_ENABLED=0 go test -c -o "$work/initrd/asm.test" ./asm)
(cd "$work/initrd" && find . | cpio -o -H newc --owner=0:0 --quiet | gzip -1 >"$work/cd/initrd.gz")
cp "$kernel" "$work/cd/vmlinuz"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/cd/isolinux/"
# nopku and clearcpuid=xsaves,xsavec work around Bochs 2.7's XSAVE
# enumeration (PKRU with size 0 on some models; the compacted XSAVES/XSAVEC
# size reported as the standard one): without them Linux finds the sizes
# inconsistent and disables XSAVE, and with it AVX.
cat >"$work/cd/isolinux/isolinux.cfg" <<CFG
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz console=ttyS0 quiet panic=1 nopku clearcpuid=xsaves,xsavec mitigations=off lpj=4800000 tsc=reliable ASMTEST=$tests ASMSHORT=$short ASMPATHS=$paths ASMVERBOSE=$verbose
CFG
xorriso -as mkisofs -quiet -o "$work/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$work/cd" 2>/dev/null

cat >"$work/bochsrc" <<RC
megs: 1024
cpu: model=corei7_skylake_x, count=1, reset_on_triple_fault=0, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$work/serial.log
display_library: term
clock: sync=none
log: $work/bochs.log
panic: action=fatal
error: action=ignore
RC
# Debian's Bochs has its debugger built in and stops before the first
# instruction: the command file continues. The term display needs a terminal,
# which script(1) provides.
printf 'c\nquit\n' >"$work/bochs.cmds"
# Twice during development the guest stopped making progress (no output for
# minutes, Bochs still running; cause not found, perhaps Bochs's timer or
# serial emulation): a run that ends without init's exit line is retried once.
# A run that ends with a failing exit code is not.
for attempt in 1 2; do
	rm -f "$work/serial.log"
	echo "avx512-bochs: booting $(basename "$kernel") in Bochs (Skylake-X model); tests: $tests"
	start=$(date +%s)
	timeout "$timeout_s" script -qfec "bochs -q -f $work/bochsrc -rc $work/bochs.cmds" /dev/null >"$work/bochs.out" 2>&1 </dev/null || true
	echo "avx512-bochs: Bochs ran $(( $(date +%s) - start )) s"
	if grep -aq '^bochsinit: exit' "$work/serial.log" 2>/dev/null; then
		break
	fi
	if [ "$attempt" = 1 ]; then
		echo "avx512-bochs: no result from the guest after $timeout_s s (stalled); retrying once" >&2
	fi
done

log=$work/serial.log
[ -f "$log" ] || { echo "avx512-bochs: no serial output (see $work/bochs.out)" >&2; exit 1; }
grep -a '^bochsinit: \(cpu\|flags\)' "$log" || true
if ! grep -aq '^bochsinit: exit 0' "$log"; then
	tail -60 "$log"
	echo "avx512-bochs: the tests did not pass under Bochs (full output: $log)" >&2
	exit 1
fi
if ! grep -aq 'asm: kernel path .*available: \[avx512 avx2 generic\]' "$log"; then
	grep -a 'asm: kernel path' "$log" || true
	echo "avx512-bochs: the emulated CPU did not offer the avx512 path (full output: $log)" >&2
	exit 1
fi
grep -a -- '^--- \(PASS\|FAIL\)\|^PASS' "$log" || true
echo "avx512-bochs: the avx512 path agrees bit for bit with the references and the other paths under Bochs"
