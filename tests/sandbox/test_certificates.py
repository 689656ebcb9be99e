"""The certificate an Express service gets, made by moto with keys — or, where `cryptography`
cannot make keys (the JupyterLite tab), recorded without them, answering ACM's describes the
same way (ecskit/sandbox/certificates.py)."""

from __future__ import annotations

from typing import Any

import pytest
from test_express import create, make_roles

from ecskit.sandbox import certificates

# What differs between any two certificates moto makes for the same domain.
OWN = ("CertificateArn", "Serial", "NotAfter", "NotBefore", "CreatedAt", "IssuedAt")


def _raise_import_error(*args: Any, **kwargs: Any) -> None:
    raise ImportError("cryptography is not available in the browser (JupyterLite)")


@pytest.fixture
def no_cryptography(monkeypatch) -> None:
    """As in the tab: the site's stand-in raises CryptographyMissing (an ImportError) when
    moto tries to make a key."""
    monkeypatch.setattr(certificates.CertBundle, "generate_cert", _raise_import_error)


def _issued(session: Any, domain: str) -> dict[str, Any]:
    from moto.acm.models import acm_backends

    arn = certificates.request("123456789012", "us-east-1", domain)
    acm_backends["123456789012"]["us-east-1"]._certificates[arn].status = "ISSUED"
    return session.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]


def _without_own(cert: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cert.items() if k not in OWN}


def test_a_recorded_certificate_describes_and_lists_as_moto_s_own(session, monkeypatch) -> None:
    made = _issued(session, "ab-1.ecs.us-east-1.on.aws")
    assert made["KeyAlgorithm"] == "RSA_2048"  # moto made it, with cryptography
    monkeypatch.setattr(certificates.CertBundle, "generate_cert", _raise_import_error)
    recorded = _issued(session, "ab-1.ecs.us-east-1.on.aws")
    assert _without_own(recorded) == _without_own(made)
    assert set(recorded) == set(made) and recorded["Serial"] != made["Serial"]
    assert (recorded["NotAfter"] - recorded["NotBefore"]).days == certificates.VALID_DAYS
    listed = session.client("acm").list_certificates(
        Includes={"keyTypes": ["RSA_2048"]}, CertificateStatuses=["ISSUED"]
    )["CertificateSummaryList"]
    assert [_without_own(c) for c in listed[1:]] == [_without_own(listed[0])]
    assert {c["CertificateArn"] for c in listed} == {made["CertificateArn"],
                                                      recorded["CertificateArn"]}  # fmt: skip


def test_express_service_without_cryptography_gets_its_issued_certificate(
    ecs_session, no_cryptography
) -> None:
    session = ecs_session
    made = create(session, make_roles(session))
    url = made["activeConfigurations"][0]["ingressPaths"][0]["endpoint"]
    lb = session.elbv2.describe_load_balancers()["LoadBalancers"][0]
    listener = session.elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])
    arn = listener["Listeners"][0]["Certificates"][0]["CertificateArn"]
    cert = session.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    assert (cert["DomainName"], cert["Status"], cert["Type"]) == (url, "ISSUED", "AMAZON_ISSUED")
    assert isinstance(
        certificates.acm_backends["123456789012"]["us-east-1"]._certificates[arn],
        certificates.RecordedCertificate,
    )
    # deleting the service gives the certificate back, as with moto's own
    session.ecs.delete_express_gateway_service(serviceArn=made["serviceArn"])
    assert session.client("acm").list_certificates()["CertificateSummaryList"] == []
