#!/usr/bin/env bash
# Builds what the real NVMe/TCP guest boots: Debian's stock kernel (downloaded as a package and
# unpacked, never installed on the host) and a busybox initramfs holding the kernel modules for
# virtio, 9p, overlay, configfs, loop, ext4, xfs, the nvme-tcp initiator and the nvmet-tcp target.
# The guest mounts the host's root read-only over 9p and chroots into it with a tmpfs overlay, so it
# runs this machine's own node, nvme-cli and mkfs. Needs: apt-get (for `download`), dpkg-deb, kmod
# (depmod, modprobe), cpio, busybox-static, gzip. Idempotent: an up-to-date build is kept.
#
# usage: build-guest.sh OUT_DIR      prints OUT_DIR/vmlinuz and OUT_DIR/initrd.gz on success
set -euo pipefail

out=${1:?usage: build-guest.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in apt-get apt-cache dpkg-deb depmod modprobe cpio gzip; do
  command -v "$tool" >/dev/null || { echo "build-guest: $tool is missing (apt-get install kmod cpio)" >&2; exit 3; }
done
busybox=/bin/busybox
# (No grep -q after a pipe here: grep may leave before the writer is done, and pipefail would count
# the writer's SIGPIPE as a failure.)
[[ -x $busybox ]] && "$busybox" --list | grep -x insmod >/dev/null || { echo "build-guest: static busybox is missing (apt-get install busybox-static)" >&2; exit 3; }

# The versioned kernel package linux-image-amd64 points to today, e.g. linux-image-6.1.0-57-amd64.
package=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ && !found {print $2; found = 1}')
[[ -n $package ]] || { echo "build-guest: apt-cache knows no linux-image-amd64 (run apt-get update)" >&2; exit 3; }
version=${package#linux-image-}
stamp="$out/built-$version-$(sha256sum "$here/guest-init.sh" "$0" | sha256sum | cut -c1-16)"
if [[ -f $stamp && -f $out/vmlinuz && -f $out/initrd.gz ]]; then
  echo "$out/vmlinuz"; echo "$out/initrd.gz"; exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q "$package" >/dev/null 2>&1) || { echo "build-guest: apt-get download $package failed (run apt-get update)" >&2; exit 3; }
dpkg-deb -x "$work"/"$package"_*.deb "$work/kernel"
moddir="$work/kernel/lib/modules/$version"
depmod -b "$work/kernel" "$version"

# Modules in load order: each one's dependencies first, each file once.
wanted=(virtio_pci virtio_console 9p 9pnet_virtio overlay configfs loop ext4 xfs nvme-tcp nvmet nvmet-tcp)
root="$work/initramfs"
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules,host,upper,merged}
: > "$root/modules.order"
for m in "${wanted[@]}"; do
  modprobe -d "$work/kernel" -S "$version" --show-depends "$m" | awk '$1 == "insmod" {print $2}' | while read -r ko; do
    name=$(basename "$ko")
    grep -qx "$name" "$root/modules.order" && continue
    cp "$ko" "$root/lib/modules/$name"
    echo "$name" >> "$root/modules.order"
  done
done
# Compressed modules (.ko.xz/.zst) are unpacked so busybox insmod can load them.
for f in "$root"/lib/modules/*.ko.xz; do [[ -e $f ]] && xz -d "$f"; done
for f in "$root"/lib/modules/*.ko.zst; do [[ -e $f ]] && zstd -q -d --rm "$f"; done
sed -i -e 's/\.ko\.xz$/.ko/' -e 's/\.ko\.zst$/.ko/' "$root/modules.order"

cp "$busybox" "$root/bin/busybox"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz.tmp"
cp "$work/kernel/boot/vmlinuz-$version" "$out/vmlinuz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
rm -f "$out"/built-*
touch "$stamp"
echo "$out/vmlinuz"; echo "$out/initrd.gz"
