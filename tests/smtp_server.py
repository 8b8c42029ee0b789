"""A real SMTP server for tests (aiosmtpd), on a free local port, that keeps what it receives.

`tls="starttls"` or `tls="ssl"` serves a self-signed certificate for 127.0.0.1 (its file is
`server.ca_file`, for MAIL_CA_FILE); `refuse` lists recipients it answers 550 for."""

from __future__ import annotations

import datetime
import email
import socket
import ssl
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Inbox:
    def __init__(self, refuse: set[str]):
        self.messages: list[EmailMessage] = []
        self.refuse = {r.lower() for r in refuse}
        self.logins: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # OpenSSL checks the validity against the real system clock, not the
    # moved clock of `--clock` runs: fixed bounds hold on any date either way.
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
            .not_valid_after(datetime.datetime(2099, 12, 31, tzinfo=datetime.UTC))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class SMTPServer:
    def __init__(self, folder: Path, *, tls: str = "none", refuse: set[str] = frozenset(),
                 credentials: tuple[str, str] | None = None):
        self.inbox = Inbox(set(refuse))
        self.port = free_port()
        self.ca_file = None
        kwargs = {}
        if tls != "none" or credentials:
            cert_file, key_file = self_signed(folder)
            self.ca_file = str(cert_file)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert_file, key_file)
            if tls == "ssl":
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        if credentials:
            def authenticate(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and (
                    auth_data.login.decode(), auth_data.password.decode()) == credentials
                if ok:
                    self.inbox.logins.append(auth_data.login.decode())
                return AuthResult(success=ok)
            kwargs.update(authenticator=authenticate, auth_required=True)
            if tls == "ssl":  # aiosmtpd only counts STARTTLS as encrypted; here the whole socket is TLS
                kwargs.update(auth_required=False, auth_require_tls=False)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def config(self, security: str = "none") -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SECURITY": security,
                "MAIL_SENDER": "Follow Through <tracker@example.org>", "BASE_URL": "https://tracker.example.org",
                "MAIL_CA_FILE": self.ca_file, "MAIL_TIMEOUT_SECONDS": 10}
