"""Kaiten's official Python SDK (`kaitencloud`) against a live Kaiten Events server.

Every SDK method of the seven domains, usage and service accounts is called the way the SDK's README
shows it, on one connected scenario, and each result is checked. A call that raises or whose result
is wrong is a failure; the scenario goes on, so one run counts every call that works. The SDK
namespaces Kaiten Events does not offer must answer a clear 404.

Reads KAITEN_BASE_URL and KAITEN_AUTH_TOKEN (as the SDK does). Prints one JSON object:
{"calls": [{"call", "ok", "error"?}], "methods": {"<method>": true|false}} and exits 1 when any
call failed.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone

import kaitencloud
from kaitencloud import (
    KaitenClient,
    NotFoundError,
    PermissionDeniedError,
    ThresholdExceededError,
    targeting,
)

client = KaitenClient(max_retries=0, timeout=30.0)
calls: list[dict] = []
methods: dict[str, bool] = {}


def step(method: str, label: str, action):
    """Runs one call and its checks; records the outcome for `method` (an SDK method's name)."""
    try:
        value = action()
    except Exception as error:  # noqa: BLE001 -- every failure is reported, the scenario goes on
        calls.append({"call": f"{method}: {label}", "ok": False, "error": f"{type(error).__name__}: {error}"[:600]})
        methods[method] = False
        return None
    calls.append({"call": f"{method}: {label}", "ok": True})
    methods.setdefault(method, True)
    return value


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def expect(error_type, action) -> None:
    try:
        action()
    except error_type:
        return
    raise AssertionError(f"expected {error_type.__name__}")


def actor(entity) -> None:
    check(entity.created_by is not None and bool(entity.created_by.id), "createdBy names the actor")


START = datetime(2026, 1, 1, tzinfo=timezone.utc)
END = datetime(2027, 1, 1, tzinfo=timezone.utc)

# --- entitlements -------------------------------------------------------------------------------


def create_entitlements():
    sso = client.entitlements.create(name="SSO", slug="sso", type="BOOLEAN", description="SAML and OIDC")
    check(sso.slug == "sso" and sso.type == "BOOLEAN" and sso.description == "SAML and OIDC", f"{sso}")
    return sso


step("entitlements.create", "BOOLEAN", create_entitlements)


def create_seats():
    seats = client.entitlements.create(
        name="Seats", slug="seats", type="NUMBER", unit_singular="seat", unit_plural="seats",
        aggregation_method="SUM", warning_threshold_percent=80, user_facing=True, display_order=1,
    )
    check(seats.type == "NUMBER" and seats.unit_plural == "seats", f"{seats}")
    check(seats.warning_threshold_percent == 80 and seats.user_facing is True, f"{seats}")
    return seats


seats = step("entitlements.create", "NUMBER with units", create_seats)
step("entitlements.create", "NUMBER, monthly reset, no slug",
     lambda: check(client.entitlements.create(name="API calls", type="NUMBER", reset_period="MONTH").slug
                   == "api-calls", "slug derived from the name"))
step("entitlements.create", "CONFIG", lambda: client.entitlements.create(name="Theme", type="CONFIG"))
step("entitlements.get", "by slug", lambda: check(client.entitlements.get("seats").unit_singular == "seat", "units"))
step("entitlements.list", "all", lambda: check(
    sorted(e.slug for e in client.entitlements.list()) == ["api-calls", "seats", "sso", "theme"], "four"))


def update_entitlement():
    client.entitlements.update("sso", name="Single sign-on", type="BOOLEAN")
    sso = client.entitlements.get("sso")
    check(sso.name == "Single sign-on", f"{sso}")
    check(sso.description is None, "a full replacement: the description not sent is cleared")


step("entitlements.update", "full replacement", update_entitlement)

# --- licenses -----------------------------------------------------------------------------------


def create_license():
    growth = client.licenses.create(name="Growth", type="PAID", description="For growing teams", slug="growth")
    check(growth.version == "1" and growth.lifecycle_state == "PUBLISHED", f"{growth}")
    check(growth.description == "For growing teams" and growth.family_id, f"{growth}")
    return growth


growth = step("licenses.create", "a new family", create_license)


def create_version():
    draft = client.licenses.create(name="Growth", type="PAID", family_slug="growth", lifecycle_state="DRAFT")
    check(draft.version == "2" and draft.slug == "growth-v2" and draft.lifecycle_state == "DRAFT", f"{draft}")
    check(growth is None or draft.family_id == growth.family_id, "the same family")
    return draft


step("licenses.create", "the next version, as a draft", create_version)
step("licenses.publish", "a draft", lambda: check(client.licenses.publish("growth-v2").lifecycle_state == "PUBLISHED", "published"))
step("licenses.publish", "not a draft: 409", lambda: expect(kaitencloud.ConflictError, lambda: client.licenses.publish("growth-v2")))
step("licenses.archive", "a published version", lambda: check(client.licenses.archive("growth-v2").lifecycle_state == "ARCHIVED", "archived"))
step("licenses.unarchive", "an archived version", lambda: check(client.licenses.unarchive("growth-v2").lifecycle_state == "PUBLISHED", "published again"))


def update_license():
    client.licenses.update("growth", name="Growth", type="PAID", description="Updated", is_default=True)
    updated = client.licenses.get("growth")
    check(updated.description == "Updated" and updated.is_default is True and updated.version == "1", f"{updated}")


step("licenses.update", "full replacement, made default", update_license)
step("licenses.get", "by slug", lambda: check(client.licenses.get("growth").name == "Growth", "growth"))
step("licenses.list", "all", lambda: check(sorted(l.slug for l in client.licenses.list()) == ["growth", "growth-v2"], "two versions"))

step("licenses.associate_entitlement", "NUMBER with overage", lambda: client.licenses.associate_entitlement("growth", "seats", 50, overage_percent=10))
step("licenses.associate_entitlement", "BOOLEAN", lambda: client.licenses.associate_entitlement("growth", "sso", True))
step("licenses.associate_entitlement", "CONFIG object", lambda: client.licenses.associate_entitlement("growth", "theme", {"color": "blue"}))
step("licenses.associate_entitlement", "NUMBER unlimited", lambda: client.licenses.associate_entitlement("growth", "api-calls", kaitencloud.UNLIMITED))


def get_grant():
    grant = client.licenses.get_entitlement("growth", "seats")
    check(grant.entitlement_name == "Seats" and grant.value.value == 50, f"{grant}")
    check(grant.limit_cap_exceeded_overage_percent == 10, f"{grant}")
    actor(grant)


step("licenses.get_entitlement", "one grant", get_grant)


def update_grant():
    client.licenses.update_entitlement("growth", "seats", 100, overage_percent=10)
    check(client.licenses.get_entitlement("growth", "seats").value.value == 100, "100 seats")


step("licenses.update_entitlement", "a new value", update_grant)
step("licenses.list_entitlements", "all grants", lambda: check(
    sorted(g.entitlement_slug for g in client.licenses.list_entitlements("growth")) == ["api-calls", "seats", "sso", "theme"], "four grants"))

# --- customers ----------------------------------------------------------------------------------


def create_customer():
    acme = client.customers.create(name="Acme Corp", external_customer_id="crm-1", domain="acme.example")
    check(acme.slug == "acme-corp" and acme.domain == "acme.example" and acme.external_customer_id == "crm-1", f"{acme}")
    actor(acme)
    check(acme.updated_by is not None, "updatedBy")
    return acme


acme = step("customers.create", "with a domain", create_customer)
step("customers.get", "by slug", lambda: check(client.customers.get("acme-corp").name == "Acme Corp", "acme"))


def update_customer():
    client.customers.update("acme-corp", name="Acme Inc", domain="acme.example")
    updated = client.customers.get("acme-corp")
    check(updated.name == "Acme Inc" and updated.external_customer_id is None, "a full replacement clears externalCustomerId")


step("customers.update", "full replacement", update_customer)


def list_every_customer():
    for n in range(205):
        client.customers.create(name=f"Customer {n:03}")
    every = client.customers.list()
    check(len(every) == 206 and len({c.id for c in every}) == 206, f"{len(every)} customers walked")


step("customers.list", "206 customers across pages", list_every_customer)

# --- releases and deployment zones --------------------------------------------------------------

first = step("releases.create", "1.0.0", lambda: client.releases.create(version="1.0.0", description="First"))
second = step("releases.create", "1.1.0 with a slug", lambda: client.releases.create(version="1.1.0", slug="one-one"))
step("releases.get", "by slug", lambda: actor(client.releases.get("1-0-0")))
step("releases.list", "all", lambda: check(len(client.releases.list()) == 2, "two releases"))


def create_zone():
    zone = client.deployment_zones.create(name="EU West", type="production", description="Frankfurt",
                                          release_id=first.id if first else None)
    check(zone.type == "production" and zone.description == "Frankfurt", f"{zone}")
    check(first is None or zone.release_id == first.id, "deployed at creation")
    actor(zone)
    return zone


zone = step("deployment_zones.create", "with its first release", create_zone)
step("deployment_zones.create", "staging, no description",
     lambda: check(client.deployment_zones.create(name="Staging", type="staging").description == "", "description"))


def deploy_by_update():
    client.deployment_zones.update("eu-west", name="EU West", type="production", release_id=second.id)
    updated = client.deployment_zones.get("eu-west")
    check(updated.release_id == second.id and updated.description == "", f"{updated}")


step("deployment_zones.update", "a new release (a deployment)", deploy_by_update)
step("deployment_zones.get", "by slug", lambda: check(client.deployment_zones.get("staging").type == "staging", "staging"))
step("deployment_zones.list", "all", lambda: check(len(client.deployment_zones.list()) == 2, "two zones"))

# --- instances and usage ------------------------------------------------------------------------


def create_instance():
    instance = client.instances.create(
        name="Acme Production", customer_id=acme.id, license_id=growth.id, start_license_date=START,
        end_license_date=END, metadata={"region": "eu"},
    )
    check(instance.customer_slug == "acme-corp" and instance.license_slug == "growth", f"{instance}")
    check(instance.start_license_date == START and instance.end_license_date == END, f"{instance}")
    check(instance.description == "" and instance.metadata == {"region": "eu"}, f"{instance}")
    actor(instance)
    return instance


instance = step("instances.create", "for a customer under a license", create_instance)


def move_instance():
    client.instances.update("acme-production", name="Acme Prod", customer_id=acme.id, license_id=growth.id,
                            start_license_date=START, end_license_date=END, deployment_zone_id=zone.id)
    moved = client.instances.get("acme-production")
    check(moved.name == "Acme Prod" and moved.deployment_zone_id == zone.id, f"{moved}")
    check(moved.metadata in (None, {}), "a full replacement clears the metadata not sent")
    staging = client.deployment_zones.get("staging")
    client.instances.update("acme-production", name="Acme Prod", customer_id=acme.id, license_id=growth.id,
                            start_license_date=START, end_license_date=END, deployment_zone_id=staging.id)
    check(client.instances.get("acme-production").deployment_zone_slug == "staging", "migrated")


step("instances.update", "deployed to a zone, then migrated", move_instance)


def set_status():
    client.instances.update_status("acme-production", "DEGRADED")
    check(client.instances.get("acme-production").status == "DEGRADED", "degraded")


step("instances.update_status", "DEGRADED", set_status)


def set_stage():
    client.instances.update_lifecycle_stage("acme-production", "ACTIVE")
    check(client.instances.get("acme-production").lifecycle_stage == "ACTIVE", "active")


step("instances.update_lifecycle_stage", "ACTIVE", set_stage)
step("instances.get", "by slug", lambda: check(client.instances.get("acme-production").license_id == growth.id, "growth"))
step("instances.list", "all", lambda: check([i.slug for i in client.instances.list()] == ["acme-production"], "one"))


def report():
    first_report = client.instances.report_usage("acme-production", "seats", 5)
    check(first_report.value.value == 5 and first_report.entitlement_id == seats.id, f"{first_report}")
    check(first_report.license_id == growth.id, f"{first_report}")
    second_report = client.instances.report_usage("acme-production", "seats", 3, metadata={"source": "nightly job"})
    check(second_report.value.value == 8, f"{second_report}")


step("instances.report_usage", "append, with metadata", report)
step("instances.report_usage", "past the grant and its overage: ThresholdExceededError",
     lambda: expect(ThresholdExceededError, lambda: client.instances.report_usage("acme-production", "seats", 103)))
step("instances.report_usage", "within the overage allowance",
     lambda: check(client.instances.report_usage("acme-production", "seats", 102).value.value == 110, "110 of 100 + 10 %"))
step("instances.report_usage", "set, correcting downwards", lambda: check(
    client.instances.report_usage("acme-production", "seats", 100, behavior="set").value.value == 100, "reaches the grant"))
step("instances.report_usage", "unlimited grant", lambda: check(
    client.instances.report_usage("acme-production", "api-calls", 1e9).value.value == 1e9, "no cap"))


def get_usage():
    usage = client.instances.get_usage("acme-production", "seats")
    check(usage.value.value == 100 and usage.limit is not None and usage.limit.value == 100, f"{usage}")


step("instances.get_usage", "one entitlement", get_usage)
step("instances.list_usage", "every entitlement", lambda: check(
    {u.entitlement_slug for u in client.instances.list_usage("acme-production")} >= {"seats", "api-calls"}, "both"))


def audit_trail():
    entries = client.instances.list_audit_trails("acme-production")
    names = {e.event_name for e in entries}
    check({"INSTANCE_CREATED", "INSTANCE_STATUS_CHANGED"} <= names, f"{names}")
    status = client.instances.list_audit_trails("acme-production", event_name="INSTANCE_STATUS_CHANGED", limit=1)
    check(len(status) == 1 and status[0].instance_slug == "acme-production", f"{status}")


step("instances.list_audit_trails", "all, then one kind", audit_trail)

# --- feature flags ------------------------------------------------------------------------------


def create_flag():
    flag = client.feature_flags.create(
        name="Dark mode", type="boolean",
        variants=[targeting.variant("on", True), targeting.variant("off", False)],
        default_variant="off",
        targetings=[targeting.rule("Growth plan", "__kaiten.license.familySlug == 'growth'", "on"),
                    targeting.split_rule("Everyone else", "true", {"on": 20, "off": 80})],
        event_name="dark_mode_seen",
    )
    check(flag.slug == "dark-mode" and flag.default_variant.value == "off" and len(flag.targetings) == 2, f"{flag}")
    check(flag.event_name == "dark_mode_seen" and flag.metadata == {}, f"{flag}")
    return flag


step("feature_flags.create", "boolean with rules", create_flag)
step("feature_flags.create", "a percentage rollout", lambda: client.feature_flags.create(
    name="Checkout", type="string", variants=[targeting.variant("old", "v1"), targeting.variant("new", "v2")],
    default_variant=targeting.split({"old": 50, "new": 50})))


def update_flag():
    client.feature_flags.update("dark-mode", name="Dark mode", type="boolean", enabled=False,
                                variants=[targeting.variant("on", True), targeting.variant("off", False)],
                                default_variant="on")
    flag = client.feature_flags.get("dark-mode")
    check(flag.enabled is False and flag.default_variant.value == "on" and flag.targetings in (None, []), f"{flag}")


step("feature_flags.update", "full replacement", update_flag)
step("feature_flags.get", "by slug", lambda: check(client.feature_flags.get("checkout").type == "string", "string"))
step("feature_flags.list", "all", lambda: check(len(client.feature_flags.list()) == 2, "two flags"))
step("feature_flags.manifest", "OpenFeature manifest", lambda: check(
    {f.key for f in client.feature_flags.manifest()} == {"dark-mode", "checkout"}, "both flags"))

# --- service accounts and tokens ----------------------------------------------------------------


def create_account():
    account = client.service_accounts.create(name="CI")
    check(account.slug == "ci" and account.tokens == [], f"{account}")
    return account


step("service_accounts.create", "CI", create_account)
step("service_accounts.get", "by slug", lambda: check(client.service_accounts.get("ci").name == "CI", "ci"))


def rename_account():
    client.service_accounts.update("ci", name="CI bot")
    check(client.service_accounts.get("ci").name == "CI bot", "renamed")


step("service_accounts.update", "rename", rename_account)
step("service_accounts.list", "all", lambda: check("ci" in {a.slug for a in client.service_accounts.list()}, "ci"))


def mint_scoped_token():
    minted = client.service_accounts.create_token("ci", name="deploy", scopes=["read:customers"])
    check(minted.token and minted.scopes == ["read:customers"], f"{minted}")
    actor(minted)
    scoped = KaitenClient(token=minted.token, max_retries=0)
    check(len(scoped.customers.list()) == 206, "the token reads customers")
    expect(PermissionDeniedError, lambda: scoped.entitlements.list())


step("service_accounts.create_token", "scoped", mint_scoped_token)
step("service_accounts.create_token", "scopes inherited (null)", lambda: check(
    bool(client.service_accounts.create_token("ci", name="inherit", expires_at=datetime.now(timezone.utc) + timedelta(days=1)).token), "minted"))
step("service_accounts.list_tokens", "all", lambda: check(
    sorted(t.slug for t in client.service_accounts.list_tokens("ci")) == ["deploy", "inherit"], "two tokens"))
step("service_accounts.delete_token", "revoke", lambda: client.service_accounts.delete_token("ci", "deploy"))

# --- deletions ----------------------------------------------------------------------------------

step("feature_flags.delete", "checkout", lambda: client.feature_flags.delete("checkout"))
step("instances.delete", "acme-production", lambda: client.instances.delete("acme-production"))
step("instances.get", "deleted: 404", lambda: expect(NotFoundError, lambda: client.instances.get("acme-production")))
step("deployment_zones.delete", "eu-west", lambda: client.deployment_zones.delete("eu-west"))
step("releases.delete", "1.0.0", lambda: client.releases.delete("1-0-0"))
step("licenses.delete_entitlement", "theme", lambda: client.licenses.delete_entitlement("growth", "theme"))
step("licenses.delete", "growth-v2", lambda: client.licenses.delete("growth-v2"))
step("customers.delete", "customer-000", lambda: client.customers.delete("customer-000"))
step("entitlements.delete", "an unassigned entitlement", lambda: (
    client.entitlements.create(name="Legacy", type="BOOLEAN"), client.entitlements.delete("legacy")))

# --- what Kaiten Events does not offer ----------------------------------------------------------

for name, action in [
    ("components.list", lambda: client.components.list()),
    ("entitlement_groups.list", lambda: client.entitlement_groups.list()),
    ("license_families.list", lambda: client.license_families.list()),
    ("connectors.list", lambda: client.connectors.list()),
    ("metadata_fields.list", lambda: client.metadata_fields.list("INSTANCE")),
    ("customers.get_integration", lambda: client.customers.get_integration("acme-corp", "hubspot")),
]:
    step(name, "not offered: 404", lambda action=action: expect(NotFoundError, action))

print(json.dumps({"calls": calls, "methods": methods}, indent=1))
sys.exit(0 if all(call["ok"] for call in calls) else 1)
