//! One integration test binary (it links once): the `kstlib` CLI end to end against real
//! tmux, real Docker and real Podman. Each test has its own tmux servers, HOME and
//! working directory (see `env`).

mod env;

mod attach;
mod cli;
mod config;
mod container;
mod container_attach;
mod container_docker20;
mod container_list;
mod container_logs;
mod container_stop;
mod lifecycle;
mod sanitize;
mod tmux;
