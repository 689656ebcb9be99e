"""The ACM certificate an Express service gets for its URL, in moto's ACM — with or without keys.

moto makes a requested certificate with `cryptography` (an RSA 2048 key, an X.509 certificate
signed SHA-512 with RSA). There is no Pyodide build of `cryptography` (the JupyterLite site
ships a stand-in that raises an ImportError when used), so where it cannot make keys the
sandbox records the certificate without them: ACM's DescribeCertificate and ListCertificates
answer for it word for word as moto answers for one it made (moto's own `describe()` runs on
it); only GetCertificate has no PEM to give (empty) and ExportCertificate refuses.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from moto.acm.models import AWS_ROOT_CA, CertBundle, TagHolder, acm_backends
from moto.acm.utils import make_arn_for_certificate
from moto.core.utils import utcnow

VALID_DAYS = 365  # what moto's CertBundle.generate_cert gives a requested certificate
# What moto's generated certificate reads as (rsa.generate_private_key(key_size=2048),
# .sign(key, hashes.SHA512()); issuer CN "Amazon"): DescribeCertificate's KeyAlgorithm
# RSA_2048, SignatureAlgorithm SHA512WITHRSA, Issuer Amazon.
KEY_SIZE = 2048
SIGNATURE_OID_NAME = "sha512WithRSAEncryption"
ISSUER = "Amazon"


class RecordedCertificate(CertBundle):
    """An AMAZON_ISSUED certificate for `domain` with no key material: what moto's describe()
    reads (dates, serial, algorithms, names) is recorded, not parsed from a PEM."""

    def __init__(self, account_id: str, region: str, domain: str, serial: int) -> None:
        # CertBundle.__init__ parses a PEM certificate and key with cryptography: not called
        now = utcnow()
        self.created_at = now
        self.cert = b""
        self.key = b""
        self.chain = AWS_ROOT_CA + b"\n"  # as moto's: "AWS always returns your chain + root CA"
        self.tags = TagHolder()
        self.type, self.status = "AMAZON_ISSUED", "PENDING_VALIDATION"
        self.cert_authority_arn = None
        self.in_use_by: list[str] = []
        self.cert_options = {"CertificateTransparencyLoggingPreference": "ENABLED",
                             "Export": "DISABLED"}  # fmt: skip
        self._key = SimpleNamespace(key_size=KEY_SIZE)
        self._cert = SimpleNamespace(
            not_valid_before_utc=now,
            not_valid_after_utc=now + datetime.timedelta(days=VALID_DAYS),
            serial_number=serial,
            signature_algorithm_oid=SimpleNamespace(_name=SIGNATURE_OID_NAME),
        )
        self.sans = [domain]
        self.common_name = domain
        self.issuer_common_name = ISSUER
        self.arn = make_arn_for_certificate(account_id, region)

    def serialize_pk(self, passphrase_bytes: bytes) -> str:
        raise ImportError("this sandbox certificate has no private key (no cryptography here)")


def _serial() -> int:
    from moto.moto_api._internal import mock_random

    # 159 bits, as cryptography's x509.random_serial_number
    return int(mock_random.get_random_hex(40), 16) >> 1


def request(account: str, region: str, domain: str) -> str:
    """Request a certificate for `domain` in moto's ACM (PENDING_VALIDATION, as ACM starts it);
    its ARN. With cryptography, moto makes it; without, it is recorded (RecordedCertificate)."""
    backend = acm_backends[account][region]
    bundle: Any
    try:
        bundle = CertBundle.generate_cert(domain, account_id=account, region=region)
    except ImportError:  # no cryptography, or the site's stand-in (CryptographyMissing)
        bundle = RecordedCertificate(account, region, domain, _serial())
    backend._certificates[bundle.arn] = bundle
    return str(bundle.arn)
