//! What Docker's CLIs 20.10 and 28.2, Podman 4.3.1 and tmux 3.3a really answered, recorded on
//! a machine of the project's kind (Debian 12, root, Debian's Docker engine 20.10) by a
//! throw-away script, which ran each command below with stdin from `/dev/null`, as
//! [`SystemExecutor`](crate::ops::exec::SystemExecutor) does, and kept its exit code,
//! stdout and stderr byte for byte. Large stdouts are the files in `recordings/`.
//!
//! How the situations were made:
//! - engine down: the CLI pointed at a socket that does not exist (`DOCKER_HOST`, and
//!   `CONTAINER_HOST`, which makes Podman a client of a Podman API service);
//! - permission denied: run as user `nobody` (`as_nobody` stands for
//!   `setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=… XDG_RUNTIME_DIR=…`):
//!   Docker's socket is `root:docker 0660`; Podman's is root's `podman system service`
//!   socket, `chmod 000`; tmux's is a server of root's (root itself is never refused);
//! - name in use: `run`/`new-session` twice with the same name; port in use: a port held by
//!   a Python listener, and one held by another container of the same runtime;
//! - not running: a container whose program exited with 3 (`sh -c 'exit 3'`), a tmux pane
//!   that did the same under `remain-on-exit`;
//! - no tmux server: a socket name nobody started (tmux says "error connecting to … (No
//!   such file or directory)") and a socket left behind by a server killed with SIGKILL
//!   ("no server running on …").
//!
//! Names carry the CLI (`replay-docker20-web`): both Docker CLIs share one engine.
//! To record again, on such a machine, run the same commands and paste their answers.

use super::Recording;

// Docker CLI 20.10 (/usr/bin/docker).

/// Docker CLI 20.10 (/usr/bin/docker), engine down: `container inspect`.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/bin/docker container inspect replay-docker20-web
/// ```
pub(super) const DOCKER20_DOWN_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), engine down: `ps`.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/bin/docker ps -a --no-trunc --format '{"ID":{{json .ID}},"Names":{{json .Names}},"Image":{{json .Image}},"State":{{json .State}},"Status":{{json .Status}},"Labels":{{json .Labels}},"CreatedAt":{{json .CreatedAt}},"Ports":{{json .Ports}}}'
/// ```
pub(super) const DOCKER20_DOWN_PS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), engine down: `run`.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/bin/docker run -d -it --name replay-docker20-web kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER20_DOWN_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"docker: Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?.\nSee 'docker run --help'.\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), permission denied on the engine socket: `container inspect`.
///
/// ```text
/// as_nobody /usr/bin/docker container inspect replay-docker20-web
/// ```
pub(super) const DOCKER20_DENIED_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/replay-docker20-web/json\": dial unix /var/run/docker.sock: connect: permission denied\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), permission denied on the engine socket: `ps`.
///
/// ```text
/// as_nobody /usr/bin/docker ps -a --no-trunc --format '{"ID":{{json .ID}},"Names":{{json .Names}},"Image":{{json .Image}},"State":{{json .State}},"Status":{{json .Status}},"Labels":{{json .Labels}},"CreatedAt":{{json .CreatedAt}},"Ports":{{json .Ports}}}'
/// ```
pub(super) const DOCKER20_DENIED_PS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json?all=1\": dial unix /var/run/docker.sock: connect: permission denied\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), no such container: `container inspect` (stdout is read: Docker prints `[]`).
///
/// ```text
/// /usr/bin/docker container inspect replay-docker20-nosuch
/// ```
pub(super) const DOCKER20_MISSING_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"Error: No such container: replay-docker20-nosuch\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), `a` as a name while several containers' IDs start with `a` (48 created
/// containers, none named `a`): `container inspect`. An exact name wins over an ID prefix
/// in both engines, so this is "no container of that name".
///
/// ```text
/// /usr/bin/docker container inspect a
/// ```
pub(super) const DOCKER20_AMBIGUOUS_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"Error response from daemon: Multiple IDs found with provided prefix: a\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), no such container: `rm`.
///
/// ```text
/// /usr/bin/docker rm replay-docker20-nosuch
/// ```
pub(super) const DOCKER20_MISSING_RM: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error: No such container: replay-docker20-nosuch\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), a running container labelled as kstlib's: `container inspect`.
///
/// ```text
/// /usr/bin/docker container inspect replay-docker20-web
/// ```
pub(super) const DOCKER20_RUNNING_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker20_running_inspect.json"),
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), the same container in `ps`.
///
/// ```text
/// /usr/bin/docker ps -a --no-trunc --filter name=\^replay-docker20-web\$ --format '{"ID":{{json .ID}},"Names":{{json .Names}},"Image":{{json .Image}},"State":{{json .State}},"Status":{{json .Status}},"Labels":{{json .Labels}},"CreatedAt":{{json .CreatedAt}},"Ports":{{json .Ports}}}'
/// ```
pub(super) const DOCKER20_RUNNING_PS: Recording = Recording {
    code: Some(0),
    stdout: b"{\"ID\":\"297844844ed05771855cd0b541f3936f4bc394ce4af5bdfd854bd70a817f71b3\",\"Names\":\"replay-docker20-web\",\"Image\":\"kstlib-test/busybox:1\",\"State\":\"running\",\"Status\":\"Up Less than a second\",\"Labels\":\"io.kstlib.ops.managed=1,io.kstlib.ops.session=replay-docker20-web,io.kstlib.test.image=53e3ca696a91a11e\",\"CreatedAt\":\"2026-12-02 05:15:04 +0000 UTC\",\"Ports\":\"\"}\n",
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), name in use: the second `run` with the same name.
///
/// ```text
/// /usr/bin/docker run -d -it --name replay-docker20-dup kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER20_NAME_IN_USE_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"docker: Error response from daemon: Conflict. The container name \"/replay-docker20-dup\" is already in use by container \"aed476214bf2ee06f807d170b2b2741278181465313bcd14953f3c4213248955\". You have to remove (or rename) that container to be able to reuse that name.\nSee 'docker run --help'.\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), port in use, held by a plain process: `run -p 127.0.0.1:18931:80`.
///
/// ```text
/// /usr/bin/docker run -d -it --name replay-docker20-port -p 127.0.0.1:18931:80 kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER20_PORT_FOREIGN_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"e1170fe6369f97442dd947914e0aa7280a99fe8b00d20567740c233b4b73d317\n",
    stderr: b"docker: Error response from daemon: driver failed programming external connectivity on endpoint replay-docker20-port (c2c11d93d5ce0fad5e322ad2128d1ee0e394bc487cba6d7360074bdd8a4cbf79): Error starting userland proxy: listen tcp4 127.0.0.1:18931: bind: address already in use.\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), the container that this failed `run` left behind (`created`).
///
/// ```text
/// /usr/bin/docker container inspect replay-docker20-port
/// ```
pub(super) const DOCKER20_PORT_FOREIGN_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker20_port_foreign_inspect.json"),
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), its removal.
///
/// ```text
/// /usr/bin/docker rm replay-docker20-port
/// ```
pub(super) const DOCKER20_PORT_FOREIGN_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-docker20-port\n",
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), port in use, held by another container: `run -p 127.0.0.1:18932:80`.
///
/// ```text
/// /usr/bin/docker run -d -it --name replay-docker20-port -p 127.0.0.1:18932:80 kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER20_PORT_CONTAINER_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"00dab884ed98860e1d4ad1b9a9186305be297f9b2c6f72bd8def037d03e9b700\n",
    stderr: b"docker: Error response from daemon: driver failed programming external connectivity on endpoint replay-docker20-port (3b1ca435f71bf3aefd20208cb9d0b619e02301cee85b50abe93a6ea4ba031d05): Bind for 127.0.0.1:18932 failed: port is already allocated.\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), the container that this failed `run` left behind (`created`).
///
/// ```text
/// /usr/bin/docker container inspect replay-docker20-port
/// ```
pub(super) const DOCKER20_PORT_CONTAINER_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker20_port_container_inspect.json"),
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), its removal.
///
/// ```text
/// /usr/bin/docker rm replay-docker20-port
/// ```
pub(super) const DOCKER20_PORT_CONTAINER_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-docker20-port\n",
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), the image exists: `image inspect` (stdout not read by kstlib, not kept).
///
/// ```text
/// /usr/bin/docker image inspect kstlib-test/busybox:1
/// ```
pub(super) const DOCKER20_IMAGE_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: b"",
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), not running: a container whose program exited with 3.
///
/// ```text
/// /usr/bin/docker container inspect replay-docker20-exited
/// ```
pub(super) const DOCKER20_EXITED_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker20_exited_inspect.json"),
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), not running: `kill` of that exited container.
///
/// ```text
/// /usr/bin/docker kill --signal SIGTERM replay-docker20-exited
/// ```
pub(super) const DOCKER20_NOT_RUNNING_KILL: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error response from daemon: Cannot kill container: replay-docker20-exited: Container 8c7aca3d9464495d858723b11a27be78011cb2d2e9229f001e158aa2b966acf1 is not running\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), `wait` for the running container after a SIGKILL.
///
/// ```text
/// /usr/bin/docker wait replay-docker20-web
/// ```
pub(super) const DOCKER20_KILLED_WAIT: Recording = Recording {
    code: Some(0),
    stdout: b"137\n",
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), that container after the kill.
///
/// ```text
/// /usr/bin/docker container inspect replay-docker20-web
/// ```
pub(super) const DOCKER20_KILLED_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker20_killed_inspect.json"),
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), its removal.
///
/// ```text
/// /usr/bin/docker rm replay-docker20-web
/// ```
pub(super) const DOCKER20_KILLED_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-docker20-web\n",
    stderr: b"",
};

// Docker CLI 28.2 (/usr/local/bin/docker).

/// Docker CLI 28.2 (/usr/local/bin/docker), engine down: `container inspect`.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/local/bin/docker container inspect replay-docker28-web
/// ```
pub(super) const DOCKER28_DOWN_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), engine down: `ps`.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/local/bin/docker ps -a --no-trunc --format '{"ID":{{json .ID}},"Names":{{json .Names}},"Image":{{json .Image}},"State":{{json .State}},"Status":{{json .Status}},"Labels":{{json .Labels}},"CreatedAt":{{json .CreatedAt}},"Ports":{{json .Ports}}}'
/// ```
pub(super) const DOCKER28_DOWN_PS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), engine down: `run`.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/local/bin/docker run -d -it --name replay-docker28-web kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER28_DOWN_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"docker: Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n\nRun 'docker run --help' for more information\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), permission denied on the engine socket: `container inspect`.
///
/// ```text
/// as_nobody /usr/local/bin/docker container inspect replay-docker28-web
/// ```
pub(super) const DOCKER28_DENIED_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/containers/replay-docker28-web/json\": dial unix /var/run/docker.sock: connect: permission denied\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), permission denied on the engine socket: `ps`.
///
/// ```text
/// as_nobody /usr/local/bin/docker ps -a --no-trunc --format '{"ID":{{json .ID}},"Names":{{json .Names}},"Image":{{json .Image}},"State":{{json .State}},"Status":{{json .Status}},"Labels":{{json .Labels}},"CreatedAt":{{json .CreatedAt}},"Ports":{{json .Ports}}}'
/// ```
pub(super) const DOCKER28_DENIED_PS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/containers/json?all=1\": dial unix /var/run/docker.sock: connect: permission denied\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), no such container: `container inspect` (stdout is read: Docker prints `[]`).
///
/// ```text
/// /usr/local/bin/docker container inspect replay-docker28-nosuch
/// ```
pub(super) const DOCKER28_MISSING_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"Error response from daemon: No such container: replay-docker28-nosuch\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), `a` as a name while several containers' IDs start with `a` (48 created
/// containers, none named `a`): `container inspect`. An exact name wins over an ID prefix
/// in both engines, so this is "no container of that name".
///
/// ```text
/// /usr/local/bin/docker container inspect a
/// ```
pub(super) const DOCKER28_AMBIGUOUS_INSPECT: Recording = Recording {
    code: Some(1),
    stdout: b"[]\n",
    stderr: b"Error response from daemon: Multiple IDs found with provided prefix: a\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), no such container: `rm`.
///
/// ```text
/// /usr/local/bin/docker rm replay-docker28-nosuch
/// ```
pub(super) const DOCKER28_MISSING_RM: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error response from daemon: No such container: replay-docker28-nosuch\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), a running container labelled as kstlib's: `container inspect`.
///
/// ```text
/// /usr/local/bin/docker container inspect replay-docker28-web
/// ```
pub(super) const DOCKER28_RUNNING_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker28_running_inspect.json"),
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), the same container in `ps`.
///
/// ```text
/// /usr/local/bin/docker ps -a --no-trunc --filter name=\^replay-docker28-web\$ --format '{"ID":{{json .ID}},"Names":{{json .Names}},"Image":{{json .Image}},"State":{{json .State}},"Status":{{json .Status}},"Labels":{{json .Labels}},"CreatedAt":{{json .CreatedAt}},"Ports":{{json .Ports}}}'
/// ```
pub(super) const DOCKER28_RUNNING_PS: Recording = Recording {
    code: Some(0),
    stdout: b"{\"ID\":\"31c84cf86cf761afca376f7d5918f6b838d2f5f6bc981296e55612cfde3bfef9\",\"Names\":\"replay-docker28-web\",\"Image\":\"kstlib-test/busybox:1\",\"State\":\"running\",\"Status\":\"Up Less than a second\",\"Labels\":\"io.kstlib.ops.managed=1,io.kstlib.ops.session=replay-docker28-web,io.kstlib.test.image=53e3ca696a91a11e\",\"CreatedAt\":\"2026-12-02 05:15:08 +0000 UTC\",\"Ports\":\"\"}\n",
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), name in use: the second `run` with the same name.
///
/// ```text
/// /usr/local/bin/docker run -d -it --name replay-docker28-dup kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER28_NAME_IN_USE_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"docker: Error response from daemon: Conflict. The container name \"/replay-docker28-dup\" is already in use by container \"5393f9e1439c179eec2926797a246b40cfa298c855a88bb472da01083d754976\". You have to remove (or rename) that container to be able to reuse that name.\n\nRun 'docker run --help' for more information\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), port in use, held by a plain process: `run -p 127.0.0.1:18931:80`.
///
/// ```text
/// /usr/local/bin/docker run -d -it --name replay-docker28-port -p 127.0.0.1:18931:80 kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER28_PORT_FOREIGN_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"f64c10b41002dcfc09c242b2511654b5f14ef02c7203c8ea3f9c6088697842b3\n",
    stderr: b"docker: Error response from daemon: driver failed programming external connectivity on endpoint replay-docker28-port (c41a5c994de1a97cdb00ba483f9a7c5713f3b5f8085e061bd3bb7db870b39b50): Error starting userland proxy: listen tcp4 127.0.0.1:18931: bind: address already in use\n\nRun 'docker run --help' for more information\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), the container that this failed `run` left behind (`created`).
///
/// ```text
/// /usr/local/bin/docker container inspect replay-docker28-port
/// ```
pub(super) const DOCKER28_PORT_FOREIGN_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker28_port_foreign_inspect.json"),
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), its removal.
///
/// ```text
/// /usr/local/bin/docker rm replay-docker28-port
/// ```
pub(super) const DOCKER28_PORT_FOREIGN_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-docker28-port\n",
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), port in use, held by another container: `run -p 127.0.0.1:18932:80`.
///
/// ```text
/// /usr/local/bin/docker run -d -it --name replay-docker28-port -p 127.0.0.1:18932:80 kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const DOCKER28_PORT_CONTAINER_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"c07bdc1eb0fe6f3f94fb462818249f7786e47e33a055c5de18777d39626fbf3f\n",
    stderr: b"docker: Error response from daemon: driver failed programming external connectivity on endpoint replay-docker28-port (69b3213857324edf1a747e23448498c61cf53b8212c4b9f03080e2fdd807da93): Bind for 127.0.0.1:18932 failed: port is already allocated\n\nRun 'docker run --help' for more information\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), the container that this failed `run` left behind (`created`).
///
/// ```text
/// /usr/local/bin/docker container inspect replay-docker28-port
/// ```
pub(super) const DOCKER28_PORT_CONTAINER_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker28_port_container_inspect.json"),
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), its removal.
///
/// ```text
/// /usr/local/bin/docker rm replay-docker28-port
/// ```
pub(super) const DOCKER28_PORT_CONTAINER_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-docker28-port\n",
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), the image exists: `image inspect` (stdout not read by kstlib, not kept).
///
/// ```text
/// /usr/local/bin/docker image inspect kstlib-test/busybox:1
/// ```
pub(super) const DOCKER28_IMAGE_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: b"",
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), not running: a container whose program exited with 3.
///
/// ```text
/// /usr/local/bin/docker container inspect replay-docker28-exited
/// ```
pub(super) const DOCKER28_EXITED_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker28_exited_inspect.json"),
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), not running: `kill` of that exited container.
///
/// ```text
/// /usr/local/bin/docker kill --signal SIGTERM replay-docker28-exited
/// ```
pub(super) const DOCKER28_NOT_RUNNING_KILL: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error response from daemon: Cannot kill container: replay-docker28-exited: Container f3001fed0302177d481a5c13119104ed97a815cbf976e65af5622f79c7f18b9f is not running\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), `wait` for the running container after a SIGKILL.
///
/// ```text
/// /usr/local/bin/docker wait replay-docker28-web
/// ```
pub(super) const DOCKER28_KILLED_WAIT: Recording = Recording {
    code: Some(0),
    stdout: b"137\n",
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), that container after the kill.
///
/// ```text
/// /usr/local/bin/docker container inspect replay-docker28-web
/// ```
pub(super) const DOCKER28_KILLED_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/docker28_killed_inspect.json"),
    stderr: b"",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), its removal.
///
/// ```text
/// /usr/local/bin/docker rm replay-docker28-web
/// ```
pub(super) const DOCKER28_KILLED_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-docker28-web\n",
    stderr: b"",
};

// Podman 4.3.1.

/// Podman 4.3.1, engine down: `container inspect`.
///
/// ```text
/// env CONTAINER_HOST=unix:///nonexistent.sock /usr/bin/podman container inspect replay-podman-web
/// ```
pub(super) const PODMAN_DOWN_INSPECT: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /nonexistent.sock: connect: no such file or directory\n",
};

/// Podman 4.3.1, engine down: `ps`.
///
/// ```text
/// env CONTAINER_HOST=unix:///nonexistent.sock /usr/bin/podman ps -a --format json
/// ```
pub(super) const PODMAN_DOWN_PS: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /nonexistent.sock: connect: no such file or directory\n",
};

/// Podman 4.3.1, engine down: `run`.
///
/// ```text
/// env CONTAINER_HOST=unix:///nonexistent.sock /usr/bin/podman run -d -it --name replay-podman-web kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const PODMAN_DOWN_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /nonexistent.sock: connect: no such file or directory\n",
};

/// Podman 4.3.1, permission denied on the engine socket: `container inspect`.
///
/// ```text
/// as_nobody env CONTAINER_HOST=unix:///tmp/replay-rec/podman.sock /usr/bin/podman container inspect replay-podman-web
/// ```
pub(super) const PODMAN_DENIED_INSPECT: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /tmp/replay-rec/podman.sock: connect: permission denied\n",
};

/// Podman 4.3.1, permission denied on the engine socket: `ps`.
///
/// ```text
/// as_nobody env CONTAINER_HOST=unix:///tmp/replay-rec/podman.sock /usr/bin/podman ps -a --format json
/// ```
pub(super) const PODMAN_DENIED_PS: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /tmp/replay-rec/podman.sock: connect: permission denied\n",
};

/// Podman 4.3.1, no such container: `container inspect` (stdout is read: Docker prints `[]`).
///
/// ```text
/// /usr/bin/podman container inspect replay-podman-nosuch
/// ```
pub(super) const PODMAN_MISSING_INSPECT: Recording = Recording {
    code: Some(125),
    stdout: b"[]\n",
    stderr: b"Error: inspecting object: no such container replay-podman-nosuch\n",
};

/// Podman 4.3.1, `a` as a name while several containers' IDs start with `a` (48 created
/// containers, none named `a`): `container inspect`. An exact name wins over an ID prefix
/// in both engines, so this is "no container of that name".
///
/// ```text
/// /usr/bin/podman container inspect a
/// ```
pub(super) const PODMAN_AMBIGUOUS_INSPECT: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Error: more than one result for container ID a: container already exists\n",
};

/// Podman 4.3.1, no such container: `rm`.
///
/// ```text
/// /usr/bin/podman rm replay-podman-nosuch
/// ```
pub(super) const PODMAN_MISSING_RM: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr:
        b"Error: no container with name or ID \"replay-podman-nosuch\" found: no such container\n",
};

/// Podman 4.3.1, a running container labelled as kstlib's: `container inspect`.
///
/// ```text
/// /usr/bin/podman container inspect replay-podman-web
/// ```
pub(super) const PODMAN_RUNNING_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/podman_running_inspect.json"),
    stderr: b"",
};

/// Podman 4.3.1, the same container in `ps`.
///
/// ```text
/// /usr/bin/podman ps -a --format json
/// ```
pub(super) const PODMAN_RUNNING_PS: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/podman_running_ps.json"),
    stderr: b"",
};

/// Podman 4.3.1, name in use: the second `run` with the same name.
///
/// ```text
/// /usr/bin/podman run -d -it --name replay-podman-dup kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const PODMAN_NAME_IN_USE_RUN: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"time=\"2026-12-02T05:15:16Z\" level=warning msg=\"The input device is not a TTY. The --tty and --interactive flags might not work properly\"\nError: creating container storage: the container name \"replay-podman-dup\" is already in use by 609ab1d9321bc63257a16c808b3c7801963dcd3fb2b99d27494315f9a96c0a68. You have to remove that container to be able to reuse that name: that name is already in use\n",
};

/// Podman 4.3.1, port in use, held by a plain process: `run -p 127.0.0.1:18931:80`.
///
/// ```text
/// /usr/bin/podman run -d -it --name replay-podman-port -p 127.0.0.1:18931:80 kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const PODMAN_PORT_FOREIGN_RUN: Recording = Recording {
    code: Some(126),
    stdout: b"",
    stderr: b"time=\"2026-12-02T05:15:16Z\" level=warning msg=\"The input device is not a TTY. The --tty and --interactive flags might not work properly\"\nError: cannot listen on the TCP port: listen tcp4 127.0.0.1:18931: bind: address already in use\n",
};

/// Podman 4.3.1, the container that this failed `run` left behind (`created`).
///
/// ```text
/// /usr/bin/podman container inspect replay-podman-port
/// ```
pub(super) const PODMAN_PORT_FOREIGN_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/podman_port_foreign_inspect.json"),
    stderr: b"",
};

/// Podman 4.3.1, its removal.
///
/// ```text
/// /usr/bin/podman rm replay-podman-port
/// ```
pub(super) const PODMAN_PORT_FOREIGN_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-podman-port\n",
    stderr: b"",
};

/// Podman 4.3.1, port in use, held by another container: `run -p 127.0.0.1:18932:80`.
///
/// ```text
/// /usr/bin/podman run -d -it --name replay-podman-port -p 127.0.0.1:18932:80 kstlib-test/busybox:1 sleep 600
/// ```
pub(super) const PODMAN_PORT_CONTAINER_RUN: Recording = Recording {
    code: Some(126),
    stdout: b"",
    stderr: b"time=\"2026-12-02T05:15:16Z\" level=warning msg=\"The input device is not a TTY. The --tty and --interactive flags might not work properly\"\nError: cannot listen on the TCP port: listen tcp4 127.0.0.1:18932: bind: address already in use\n",
};

/// Podman 4.3.1, the container that this failed `run` left behind (`created`).
///
/// ```text
/// /usr/bin/podman container inspect replay-podman-port
/// ```
pub(super) const PODMAN_PORT_CONTAINER_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/podman_port_container_inspect.json"),
    stderr: b"",
};

/// Podman 4.3.1, its removal.
///
/// ```text
/// /usr/bin/podman rm replay-podman-port
/// ```
pub(super) const PODMAN_PORT_CONTAINER_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-podman-port\n",
    stderr: b"",
};

/// Podman 4.3.1, the image exists: `image inspect` (stdout not read by kstlib, not kept).
///
/// ```text
/// /usr/bin/podman image inspect kstlib-test/busybox:1
/// ```
pub(super) const PODMAN_IMAGE_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: b"",
    stderr: b"",
};

/// Podman 4.3.1, not running: a container whose program exited with 3.
///
/// ```text
/// /usr/bin/podman container inspect replay-podman-exited
/// ```
pub(super) const PODMAN_EXITED_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/podman_exited_inspect.json"),
    stderr: b"",
};

/// Podman 4.3.1, not running: `kill` of that exited container.
///
/// ```text
/// /usr/bin/podman kill --signal SIGTERM replay-podman-exited
/// ```
pub(super) const PODMAN_NOT_RUNNING_KILL: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Error: can only kill running containers. 7ccf8f5ae00a4dd7d3e3ac7867a07dae965b84dd549fb41399a5366bfaec9c76 is in state exited: container state improper\n",
};

/// Podman 4.3.1, `wait` for the running container after a SIGKILL.
///
/// ```text
/// /usr/bin/podman wait replay-podman-web
/// ```
pub(super) const PODMAN_KILLED_WAIT: Recording = Recording {
    code: Some(0),
    stdout: b"137\n",
    stderr: b"",
};

/// Podman 4.3.1, that container after the kill.
///
/// ```text
/// /usr/bin/podman container inspect replay-podman-web
/// ```
pub(super) const PODMAN_KILLED_INSPECT: Recording = Recording {
    code: Some(0),
    stdout: include_bytes!("recordings/podman_killed_inspect.json"),
    stderr: b"",
};

/// Podman 4.3.1, its removal.
///
/// ```text
/// /usr/bin/podman rm replay-podman-web
/// ```
pub(super) const PODMAN_KILLED_RM: Recording = Recording {
    code: Some(0),
    stdout: b"replay-podman-web\n",
    stderr: b"",
};

// tmux 3.3a.

/// tmux 3.3a, no server (no socket file): `list-sessions`.
///
/// ```text
/// tmux -L replay-nosuch list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{@kstlib_config_hash}\t#{session_name}'
/// ```
pub(super) const TMUX_NO_SERVER_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/tmux-0/replay-nosuch (No such file or directory)\n",
};

/// tmux 3.3a, no server (no socket file): `capture-pane`.
///
/// ```text
/// tmux -L replay-nosuch capture-pane -p -J -S - -E - -t =replay-web:
/// ```
pub(super) const TMUX_NO_SERVER_CAPTURE: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/tmux-0/replay-nosuch (No such file or directory)\n",
};

/// tmux 3.3a, no server (a socket left by a server killed with SIGKILL): `list-sessions`.
///
/// ```text
/// tmux -L replay-stale list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{@kstlib_config_hash}\t#{session_name}'
/// ```
pub(super) const TMUX_STALE_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"no server running on /tmp/tmux-0/replay-stale\n",
};

/// tmux 3.3a, a live server with one session, `replay-other`: `list-sessions`.
///
/// ```text
/// tmux -L replay-live list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{@kstlib_config_hash}\t#{session_name}'
/// ```
/// (pane PIDs replaced by 99999999, a PID no process can have: tests look at /proc.)
pub(super) const TMUX_LIVE_LIST: Recording = Recording {
    code: Some(0),
    stdout: b"99999999\t0\t\t\t1796188528\t1\t\t\t\treplay-other\n",
    stderr: b"",
};

/// tmux 3.3a, missing session on a live server: `capture-pane`.
///
/// ```text
/// tmux -L replay-live capture-pane -p -J -S - -E - -t =replay-web:
/// ```
pub(super) const TMUX_MISSING_CAPTURE: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"can't find session: replay-web\n",
};

/// tmux 3.3a, missing session on a live server: `kill-session`.
///
/// ```text
/// tmux -L replay-live kill-session -t =replay-web
/// ```
pub(super) const TMUX_MISSING_KILL: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"can't find session: replay-web\n",
};

/// tmux 3.3a, name in use: the second `new-session -s replay-dup`.
///
/// ```text
/// tmux -L replay-live new-session -d -P -F \#\{pane_pid\} -s replay-dup -- sleep 600
/// ```
pub(super) const TMUX_DUPLICATE_NEW_SESSION: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"duplicate session: replay-dup\n",
};

/// tmux 3.3a, `list-sessions` with `replay-dead`, whose program exited with 3 (remain-on-exit).
///
/// ```text
/// tmux -L replay-live list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{@kstlib_config_hash}\t#{session_name}'
/// ```
/// (pane PIDs replaced by 99999999, a PID no process can have: tests look at /proc.)
pub(super) const TMUX_DEAD_LIST: Recording = Recording {
    code: Some(0),
    stdout: b"99999999\t1\t3\t\t1796188528\t1\t\t\t\treplay-dead\n99999999\t0\t\t\t1796188528\t1\t\t\t\treplay-dup\n99999999\t0\t\t\t1796188528\t1\t\t\t\treplay-other\n",
    stderr: b"",
};

/// tmux 3.3a, not running: `capture-pane` of that dead pane.
///
/// ```text
/// tmux -L replay-live capture-pane -p -J -S - -E - -t =replay-dead:
/// ```
pub(super) const TMUX_DEAD_CAPTURE: Recording = Recording {
    code: Some(0),
    stdout: b"bye\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nPane is dead (status 3, Wed Dec  2 05:15:28 2026)\n",
    stderr: b"",
};

// Answers that kstlib maps to the wrong error today; kept for the tests that come with
// the fix in the runners (until then nothing reads them).

/// tmux 3.3a, permission denied on the server's socket: `list-sessions`.
///
/// ```text
/// as_nobody tmux -S /tmp/replay-rec/tmux/root.sock list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{@kstlib_config_hash}\t#{session_name}'
/// ```
pub(super) const TMUX_DENIED_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/replay-rec/tmux/root.sock (Permission denied)\n",
};

/// tmux 3.3a, permission denied on the server's socket: `capture-pane`.
///
/// ```text
/// as_nobody tmux -S /tmp/replay-rec/tmux/root.sock capture-pane -p -J -S - -E - -t =replay-web:
/// ```
pub(super) const TMUX_DENIED_CAPTURE: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/replay-rec/tmux/root.sock (Permission denied)\n",
};

/// tmux 3.3a, permission denied on the server's socket: `new-session`.
///
/// ```text
/// as_nobody tmux -S /tmp/replay-rec/tmux/root.sock new-session -d -P -F \#\{pane_pid\} -s replay-new -- sleep 600
/// ```
#[allow(dead_code)]
pub(super) const TMUX_DENIED_NEW_SESSION: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"error connecting to /tmp/replay-rec/tmux/root.sock (Permission denied)\n",
};

/// tmux 3.3a, the socket directory is not the user's: `list-sessions`.
///
/// ```text
/// as_nobody tmux list-sessions -F $'#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{session_created}\t#{session_windows}\t#{@kstlib_managed}\t#{@kstlib_stop_signal}\t#{@kstlib_config_hash}\t#{session_name}'
/// ```
pub(super) const TMUX_DENIED_DIR_LIST: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"directory /tmp/tmux-65534 has unsafe permissions\n",
};

/// tmux 3.3a, not running: `send-keys` into a dead pane (tmux says nothing).
///
/// ```text
/// tmux -L replay-live send-keys -t =replay-dead: echo Enter
/// ```
pub(super) const TMUX_DEAD_SEND_KEYS: Recording = Recording {
    code: Some(0),
    stdout: b"",
    stderr: b"",
};

/// Docker CLI 20.10 (/usr/bin/docker), no such container: `kill` (removed between kstlib's inspect and its kill).
///
/// ```text
/// /usr/bin/docker kill --signal SIGTERM replay-docker20-nosuch
/// ```
#[allow(dead_code)]
pub(super) const DOCKER20_MISSING_KILL: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error response from daemon: Cannot kill container: replay-docker20-nosuch: No such container: replay-docker20-nosuch\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), no such container: `kill` (removed between kstlib's inspect and its kill).
///
/// ```text
/// /usr/local/bin/docker kill --signal SIGTERM replay-docker28-nosuch
/// ```
#[allow(dead_code)]
pub(super) const DOCKER28_MISSING_KILL: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error response from daemon: Cannot kill container: replay-docker28-nosuch: No such container: replay-docker28-nosuch\n",
};

/// Podman 4.3.1, no such container: `kill` (removed between kstlib's inspect and its kill).
///
/// ```text
/// /usr/bin/podman kill --signal SIGTERM replay-podman-nosuch
/// ```
#[allow(dead_code)]
pub(super) const PODMAN_MISSING_KILL: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr:
        b"Error: no container with name or ID \"replay-podman-nosuch\" found: no such container\n",
};

/// Podman 4.3.1, local storage the user may not open: `ps`.
///
/// ```text
/// as_nobody /usr/bin/podman --root /var/lib/containers/storage --runroot /run/containers/storage ps -a --format json
/// ```
pub(super) const PODMAN_DENIED_LOCAL_PS: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Error: creating runtime static files directory: mkdir /var/lib/containers/storage: permission denied\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), engine down: `logs` by name.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/bin/docker logs --tail 100 replay-docker20-web
/// ```
pub(super) const DOCKER20_DOWN_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), permission denied on the engine socket: `logs`.
///
/// ```text
/// as_nobody /usr/bin/docker logs --tail 100 replay-docker20-web
/// ```
pub(super) const DOCKER20_DENIED_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/replay-docker20-web/json\": dial unix /var/run/docker.sock: connect: permission denied\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), `logs` of a name no container has.
///
/// ```text
/// /usr/bin/docker logs --tail 100 replay-docker20-nosuch
/// ```
pub(super) const DOCKER20_MISSING_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error: No such container: replay-docker20-nosuch\n",
};

/// Docker CLI 20.10 (/usr/bin/docker), `logs` of a container removed since it was found.
///
/// ```text
/// /usr/bin/docker logs replay-docker20-gone
/// ```
pub(super) const DOCKER20_GONE_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error: No such container: replay-docker20-gone\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), engine down: `logs` by name.
///
/// ```text
/// env DOCKER_HOST=unix:///nonexistent.sock /usr/local/bin/docker logs --tail 100 replay-docker28-web
/// ```
pub(super) const DOCKER28_DOWN_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), permission denied on the engine socket: `logs`.
///
/// ```text
/// as_nobody /usr/local/bin/docker logs --tail 100 replay-docker28-web
/// ```
pub(super) const DOCKER28_DENIED_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/containers/replay-docker28-web/json\": dial unix /var/run/docker.sock: connect: permission denied\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), `logs` of a name no container has.
///
/// ```text
/// /usr/local/bin/docker logs --tail 100 replay-docker28-nosuch
/// ```
pub(super) const DOCKER28_MISSING_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error response from daemon: No such container: replay-docker28-nosuch\n",
};

/// Docker CLI 28.2 (/usr/local/bin/docker), `logs` of a container removed since it was
/// found.
///
/// ```text
/// /usr/local/bin/docker logs replay-docker28-gone
/// ```
pub(super) const DOCKER28_GONE_LOGS: Recording = Recording {
    code: Some(1),
    stdout: b"",
    stderr: b"Error response from daemon: No such container: replay-docker28-gone\n",
};

/// Podman 4.3.1, engine down: `logs` by name.
///
/// ```text
/// env CONTAINER_HOST=unix:///nonexistent.sock /usr/bin/podman logs replay-podman-web
/// ```
pub(super) const PODMAN_DOWN_LOGS: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /nonexistent.sock: connect: no such file or directory\n",
};

/// Podman 4.3.1, permission denied on the engine socket: `logs`.
///
/// ```text
/// as_nobody env CONTAINER_HOST=unix:///tmp/replay-rec/podman.sock /usr/bin/podman logs replay-podman-web
/// ```
pub(super) const PODMAN_DENIED_LOGS: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr: b"Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get \"http://d/v4.3.1/libpod/_ping\": dial unix /tmp/replay-rec/podman.sock: connect: permission denied\n",
};

/// Podman 4.3.1, `logs` of a name no container has.
///
/// ```text
/// /usr/bin/podman logs replay-podman-nosuch
/// ```
pub(super) const PODMAN_MISSING_LOGS: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr:
        b"Error: no container with name or ID \"replay-podman-nosuch\" found: no such container\n",
};

/// Podman 4.3.1, `logs` of a container removed since it was found.
///
/// ```text
/// /usr/bin/podman logs replay-podman-gone
/// ```
pub(super) const PODMAN_GONE_LOGS: Recording = Recording {
    code: Some(125),
    stdout: b"",
    stderr:
        b"Error: no container with name or ID \"replay-podman-gone\" found: no such container\n",
};
