#!/bin/sh
# The ticker of examples/tmux-ticker, for a container without Python: prints a tick every
# second; SIGTERM (a container's usual stop signal) ends it cleanly with exit 0.
mode=${BOT_MODE:-live}
echo "astro bot starting in $mode mode"
tick=0
trap 'echo "astro bot stopping after $tick ticks"; exit 0' TERM INT
while :; do
  tick=$((tick + 1))
  echo "tick $tick ($mode)"
  sleep 1 &
  wait $!
done
