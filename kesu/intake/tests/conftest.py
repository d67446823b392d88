"""A real IMAP server for the email tests: Debian's dovecot on loopback, started per test in
a directory of its own (needs root and the dovecot-imapd package, which `make test`
installs)."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import _unavailable, free_port

DOVECOT = "/usr/sbin/dovecot"
CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid={group} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service auth {{
  unix_listener auth-userdb {{
    mode = 0666
  }}
}}
"""


@pytest.fixture
def imap_server(settings):
    """Dovecot serving one mailbox (kesu / secret); Kesu's settings point at it. Yields a
    helper whose deliver(raw) appends a message to the INBOX as a mail server would."""
    if not Path(DOVECOT).exists():
        _unavailable("dovecot is not installed: run `make browser` as root (dovecot-imapd)")
    if os.geteuid() != 0:
        _unavailable("dovecot needs root to start")
    root = Path(tempfile.mkdtemp(prefix="kesu-imap-"))
    root.chmod(0o755)
    for name in ("run", "state", "home"):
        (root / name).mkdir()
    nobody = pwd.getpwnam("nobody")
    os.chown(root / "home", nobody.pw_uid, nobody.pw_gid)
    (root / "passwd").write_text("kesu:{PLAIN}secret\n")
    port = free_port()
    import grp

    group = grp.getgrgid(nobody.pw_gid).gr_name
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, group=group))
    subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True)
    try:
        for _ in range(50):
            try:
                probe = imaplib.IMAP4("127.0.0.1", port, timeout=2)
                probe.logout()
                break
            except OSError:
                time.sleep(0.1)
        settings.KESU_IMAP_HOST, settings.KESU_IMAP_PORT = "127.0.0.1", port
        settings.KESU_IMAP_USER, settings.KESU_IMAP_PASSWORD = "kesu", "secret"
        settings.KESU_IMAP_SSL, settings.KESU_IMAP_FOLDER = False, "INBOX"

        def deliver(raw: bytes) -> None:
            client = imaplib.IMAP4("127.0.0.1", port, timeout=5)
            client.login("kesu", "secret")
            client.append("INBOX", None, None, raw)
            client.logout()

        def unseen() -> int:
            client = imaplib.IMAP4("127.0.0.1", port, timeout=5)
            client.login("kesu", "secret")
            client.select("INBOX")
            _status, data = client.uid("SEARCH", None, "UNSEEN")
            client.logout()
            return len(data[0].split())

        yield SimpleNamespace(port=port, deliver=deliver, unseen=unseen)
    finally:
        subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf"), "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)
