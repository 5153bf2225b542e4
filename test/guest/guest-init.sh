#!/bin/busybox sh
# PID 1 of the real NVMe/TCP guest (see build-guest.sh). Loads the modules, mounts the host's root
# read-only over 9p under a tmpfs overlay, and hands the rest to the agent named on the kernel command
# line (guest.agent=PATH, a file of the host's tree), run in a chroot of that overlay. When the agent
# ends, the guest powers off. The host's /tmp stays visible (a checkout may live there); /run is the
# guest's own tmpfs, for what the tests keep in the guest.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "/lib/modules/$m" 2>/dev/null || echo "guest-init: insmod $m failed"; done < /modules.order
agent=
for word in $(cat /proc/cmdline); do
  case "$word" in guest.agent=*) agent=${word#guest.agent=} ;; esac
done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /host || echo "guest-init: 9p mount failed"
mount -t tmpfs -o size=80% tmpfs /upper
mkdir -p /upper/data /upper/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/upper/data,workdir=/upper/work /merged || echo "guest-init: overlay failed"
mount -t proc proc /merged/proc
mount -t sysfs sysfs /merged/sys
mount -t devtmpfs devtmpfs /merged/dev
mount -t configfs configfs /merged/sys/kernel/config
mount -t tmpfs tmpfs /merged/run
ip link set lo up
hostname guest
echo "guest-init: starting agent $agent"
chroot /merged /bin/sh "$agent"
echo "guest-init: agent ended ($?), powering off"
sync
poweroff -f
