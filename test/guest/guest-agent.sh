#!/bin/sh
# Runs inside the guest (in the chroot of the host's tree) and executes the host's commands, one at a
# time, over the virtio serial port "ctl". Protocol, one line each way:
#   host:  RUN <id> <timeout-seconds> <base64 of a /bin/sh script>
#   guest: DONE <id> <exit code> <base64 of stdout> <base64 of stderr>
# The guest says "READY" once when it starts; "POWEROFF" from the host ends the agent. A command past
# its time limit is killed (exit code 124, as timeout(1) reports).
port=$(ls /dev/vport*p1 2>/dev/null | head -n 1)
[ -n "$port" ] || { echo "guest-agent: no virtio serial port" >&2; exit 1; }
exec 3<>"$port"
cd /
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
echo READY >&3
while read -r verb id limit script <&3; do
  case "$verb" in
    POWEROFF) break ;;
    RUN) ;;
    *) continue ;;
  esac
  printf '%s' "$script" | base64 -d > /run/.guest-cmd
  timeout -k 5 "$limit" /bin/sh /run/.guest-cmd > /run/.guest-out 2> /run/.guest-err < /dev/null
  code=$?
  printf 'DONE %s %s %s %s\n' "$id" "$code" "$(base64 -w0 /run/.guest-out)" "$(base64 -w0 /run/.guest-err)" >&3
done
