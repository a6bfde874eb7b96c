"""A stand-in for a trading bot: prints a tick every second until it is told to stop.

Ctrl-C (SIGINT, the signal `kstlib ops stop` sends a tmux session first) ends it
cleanly: it says goodbye and exits 0, so the stop is reported as graceful.
"""

import os
import sys
import time

mode = os.environ.get("BOT_MODE", "paper")
print(f"astro bot starting in {mode} mode", flush=True)
tick = 0
try:
    while True:
        tick += 1
        print(f"tick {tick} ({mode})", flush=True)
        time.sleep(1)
except KeyboardInterrupt:
    print(f"astro bot stopping after {tick} ticks", flush=True)
    sys.exit(0)
