//! Shell completion in real shells: the script `kstlib completions SHELL` prints is
//! sourced into bash and fish, and what they offer is what a user would see on Tab.
//! Session names come from the config and from what runs, filtered by the command.

use std::process::Command;

use crate::env::{TestEnv, have};
use crate::require_tmux;

const CONFIG: &str = "\
ops:
  sessions:
    astro:
      command: sleep 300
    orion:
      command: sleep 300
      socket_name: bots
";

/// A test environment with `orion` (declared) and `adhoc` running, `astro` declared only,
/// and `byhand` started by hand.
fn sessions() -> TestEnv {
    let env = TestEnv::new();
    env.write_config(CONFIG);
    env.ops(&["start", "orion"]).success();
    env.ops(&["start", "adhoc", "-c", "sleep 300"]).success();
    env.tmux(&["new-session", "-d", "-s", "byhand", "sh"]);
    env.redact_as(env!("CARGO_BIN_EXE_kstlib"), "[KSTLIB]");
    env
}

fn transcript(env: &TestEnv, mut shell: Command) -> String {
    let out = shell.current_dir(&env.cwd).output().expect("run the shell");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    // Containers of other tests and users on this host are offered too; only this test's
    // names and the option values are kept.
    let ours = |line: &str| {
        let word = line
            .trim_start()
            .split(['\t', ' '])
            .next()
            .unwrap_or_default();
        !line.starts_with("  ") || OURS.contains(&word)
    };
    let kept: Vec<&str> = text.lines().filter(|line| ours(line)).collect();
    env.redact(&(kept.join("\n") + "\n"))
}

/// The candidates this test can expect: its sessions, the subcommands and option values.
const OURS: &[&str] = &[
    "astro",
    "orion",
    "adhoc",
    "byhand",
    "restart",
    "tmux",
    "container",
    "podman",
    "docker",
    "bots",
    "SIGTERM",
    "SIGHUP",
    "config",
    "managed",
    "foreign",
    "vps1",
    "vps2",
    "local",
];

/// What bash's completion function puts in COMPREPLY for each line, the last word being
/// completed, as bash calls it on Tab.
const BASH: &str = r#"
source <(kstlib completions bash)
complete -p kstlib
tab() {
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
    _clap_complete_kstlib kstlib "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '$ %s<TAB>\n' "$*"
    printf '  %s\n' "${COMPREPLY[@]}" | grep -v -- '^  --' || true
}
tab kstlib ops start ''
tab kstlib ops up ''
tab kstlib ops stop ''
tab kstlib ops attach ''
tab kstlib ops logs a
tab kstlib ops status ''
tab kstlib ops down ''
tab kstlib ops send-keys ''
tab kstlib ops list --backend ''
tab kstlib ops stop adhoc --runtime ''
tab kstlib ops stop orion --socket ''
tab kstlib ops stop orion --signal SIGT
tab kstlib ops list --origin ''
tab kstlib ops re
"#;

#[test]
fn bash_completes_session_names_by_command_and_option_values() {
    require_tmux!();
    if !have("bash") {
        return;
    }
    let env = sessions();
    let mut bash = env.shell("bash");
    bash.args(["--norc", "--noprofile", "-c", BASH]);
    insta::assert_snapshot!(transcript(&env, bash), @"
    complete -o bashdefault -o nosort -o nospace -F _clap_complete_kstlib kstlib
    $ kstlib ops start <TAB>
      astro
    $ kstlib ops up <TAB>
      astro
    $ kstlib ops stop <TAB>
      adhoc
      byhand
      orion
    $ kstlib ops attach <TAB>
      adhoc
      byhand
      orion
    $ kstlib ops logs a<TAB>
      adhoc
    $ kstlib ops status <TAB>
      adhoc
      byhand
      orion
      astro
    $ kstlib ops down <TAB>
      orion
    $ kstlib ops send-keys <TAB>
      adhoc
      byhand
      orion
    $ kstlib ops list --backend <TAB>
      tmux
      container
    $ kstlib ops stop adhoc --runtime <TAB>
      podman
      docker
    $ kstlib ops stop orion --socket <TAB>
      bots
    $ kstlib ops stop orion --signal SIGT<TAB>
      SIGTERM
    $ kstlib ops list --origin <TAB>
      config
      managed
      foreign
    $ kstlib ops re<TAB>
      restart
    ");
}

#[test]
fn fish_completes_session_names_with_their_state() {
    require_tmux!();
    if !have("fish") {
        return;
    }
    let env = sessions();
    let mut fish = env.shell("fish");
    fish.args([
        "--no-config",
        "-c",
        "kstlib completions fish | source
         for line in 'kstlib ops stop ' 'kstlib ops start ' 'kstlib ops stop x --signal SIGH'
             echo \"\\$ $line<TAB>\"
             complete -C \"$line\" | string match -v -- '-*' | string replace -r '^' '  '
         end",
    ]);
    insta::assert_snapshot!(transcript(&env, fish), @"
    $ kstlib ops stop <TAB>
      adhoc	running · tmux
      byhand	running · tmux
      orion	running · tmux -L bots
    $ kstlib ops start <TAB>
      astro	declared
    $ kstlib ops stop x --signal SIGH<TAB>
      SIGHUP	the terminal closed
    ");
}

#[test]
fn host_completes_the_declared_hosts_and_local_without_asking_them() {
    if !have("fish") {
        return;
    }
    let env = TestEnv::new();
    // Only the config is read: neither host exists, and neither is asked.
    env.write_config(
        "ops:\n  hosts:\n    vps1: {ssh: deploy@127.0.0.1, ssh_options: [Port=1]}\n    \
         vps2: {ssh: vps2}\n",
    );
    let mut fish = env.shell("fish");
    fish.args([
        "--no-config",
        "-c",
        "kstlib completions fish | source
         for line in 'kstlib ops stop x --host ' 'kstlib ops up --host v'
             echo \"\\$ $line<TAB>\"
             complete -C \"$line\" | string replace -r '^' '  '
         end",
    ]);
    insta::assert_snapshot!(transcript(&env, fish), @"
    $ kstlib ops stop x --host <TAB>
      vps1	ssh deploy@127.0.0.1
      vps2	ssh vps2
      local	this machine
    $ kstlib ops up --host v<TAB>
      vps1	ssh deploy@127.0.0.1
      vps2	ssh vps2
    ");
}

#[test]
fn a_hung_backend_costs_a_completion_its_time_limit_not_a_hang() {
    require_tmux!();
    let env = sessions();
    let engine = crate::env::HungEngine::new(env.root());
    let started = std::time::Instant::now();
    let out = env
        .command()
        .env("COMPLETE", "bash")
        .env("DOCKER_HOST", engine.docker_host())
        .env("_CLAP_COMPLETE_INDEX", "3")
        .args(["--", "kstlib", "ops", "stop", ""])
        .output()
        .expect("kstlib");
    let elapsed = started.elapsed();
    assert!(out.status.success(), "{out:?}");
    assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
    // Nothing in the shell but candidates: no warning, no error.
    assert!(out.stderr.is_empty(), "{out:?}");
}
