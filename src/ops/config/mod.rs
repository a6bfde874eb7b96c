//! `kstlib.conf.yml`: discovery, includes, merge, and resolution into validated sessions.
