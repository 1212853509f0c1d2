"""Real Dovecot IMAP and OpenSSH SFTP servers on loopback, for the intake tests.

Each server runs from its own temporary folder on a free port, is started by a test
fixture and stopped by the PID in its own pid file. Both need root (the daemons drop
privileges themselves) and the Debian packages `dovecot-imapd` and `openssh-server`,
which `scripts/setup.sh` installs.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
SSHD = "/usr/sbin/sshd"
SFTP_USER = "docmatch-sftp"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def missing_requirement(binary: str) -> str | None:
    """Return why a server cannot run here, or None."""
    if os.geteuid() != 0:
        return "the loopback servers need root"
    if not Path(binary).is_file():
        return f"{binary} is not installed; run scripts/setup.sh"
    return None


def _scratch(prefix: str) -> Path:
    # Not under pytest's 0700 temp folder: the daemons' unprivileged users must get in.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    return root


def _stop(pid_file: Path) -> None:
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


@dataclass
class DovecotServer:
    """Dovecot with one user, plain login and maildir storage.

    With `tls`, a self-signed certificate for 127.0.0.1 (`certificate`) serves STARTTLS
    on `port` and implicit TLS on `tls_port`; without it there is no TLS at all.
    """

    user: str = "testuser"
    password: str = "testpass"
    tls: bool = False
    port: int = 0
    tls_port: int = 0
    root: Path = field(default_factory=lambda: Path())

    @property
    def certificate(self) -> Path:
        return self.root / "cert.pem"

    def start(self) -> DovecotServer:
        self.root = _scratch("docmatch-dovecot-")
        self.port = free_port()
        self.tls_port = free_port() if self.tls else 0
        if self.tls:
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(self.root / "key.pem"), "-out", str(self.certificate)],
                check=True, capture_output=True,
            )
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir()
        shutil.chown(self.root / "mail", "nobody", "nogroup")
        (self.root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        (self.root / "dovecot.conf").write_text(self._config())
        # Dovecot forks into the background; its output goes to log_path, not to a pipe
        # that the forked master would keep open.
        subprocess.run([DOVECOT, "-c", str(self.root / "dovecot.conf")], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def _config(self) -> str:
        root = self.root
        ssl = f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem\nssl_dh = </usr/share/dovecot/dh.pem" if self.tls else "ssl = no"
        imaps = f"address = 127.0.0.1\n    port = {self.tls_port}" if self.tls else "port = 0"
        return f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
"""

    def stop(self) -> None:
        _stop(self.root / "run" / "master.pid")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class SshdServer:
    """OpenSSH with internal-sftp only, key login for one system user."""

    port: int = 0
    root: Path = field(default_factory=lambda: Path())
    created_user: bool = False

    @property
    def client_key(self) -> Path:
        return self.root / "client_key"

    @property
    def host_public_key(self) -> str:
        return (self.root / "ssh_host_ed25519_key.pub").read_text().split()[1]

    @property
    def drop(self) -> Path:
        """The folder the SFTP user uploads to, as seen on this machine."""
        return self.root / "drop"

    def start(self) -> SshdServer:
        self.root = _scratch("docmatch-sshd-")
        self.port = free_port()
        self._ensure_user()
        Path("/run/sshd").mkdir(exist_ok=True)
        (self.root / "authorized_keys").mkdir()
        for key in ("ssh_host_ed25519_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.root / key)], check=True)
        shutil.copy(self.root / "client_key.pub", self.root / "authorized_keys" / SFTP_USER)
        self.drop.mkdir()
        shutil.chown(self.drop, SFTP_USER)
        (self.root / "sshd_config").write_text(self._config())
        subprocess.run([SSHD, "-t", "-f", str(self.root / "sshd_config")], check=True, capture_output=True)
        self._process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(self.root / "sshd_config")], stderr=open(self.root / "sshd.log", "wb"))
        wait_for_port(self.port)
        return self

    def _ensure_user(self) -> None:
        try:
            pwd.getpwnam(SFTP_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SFTP_USER], check=True)
            self.created_user = True
        # '*' means no password but not locked; sshd refuses locked accounts when UsePAM is off.
        subprocess.run(["usermod", "-p", "*", SFTP_USER], check=True)

    def _config(self) -> str:
        root = self.root
        return f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {root}/ssh_host_ed25519_key
PidFile {root}/sshd.pid
AuthorizedKeysFile {root}/authorized_keys/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
StrictModes no
AllowUsers {SFTP_USER}
Subsystem sftp internal-sftp
ForceCommand internal-sftp
"""

    def known_hosts_line(self) -> str:
        return f"[127.0.0.1]:{self.port} ssh-ed25519 {self.host_public_key}\n"

    def stop(self) -> None:
        # sshd is this process's child: signal it by the PID in its pid file, then reap it.
        try:
            os.kill(int((self.root / "sshd.pid").read_text().split()[0]), signal.SIGTERM)
        except (OSError, ValueError, IndexError):
            pass
        if getattr(self, "_process", None) is not None:
            self._process.wait(timeout=10)
        if self.created_user:
            subprocess.run(["userdel", SFTP_USER], check=False, capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
