"""What must hold after a chaos run, read from the store and the receiver's records.

Each check returns (ok, text); the texts become the report's PASS / FAIL lines.
"""

import collections
import json
import re

MARKER = re.compile(r"CHAOS-[0-9a-f]{32}")


class StoreView:
    """The store's complaints as the checks need them (read once)."""

    def __init__(self, db):
        self.complaints = {}  # id -> (state, raw_id, markers)
        for complaint_id, state, record in db.execute(
                "SELECT c.id, o.state, c.record FROM complaints c JOIN outbox o ON o.complaint_id = c.id"):
            document = json.loads(record)
            self.complaints[complaint_id] = (state, document["source"].get("raw_id"), MARKER.findall(document["text"]))
        self.raw_ids = {row[0] for row in db.execute("SELECT id FROM raw_payloads")}
        self.integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
        self.marker_count = collections.Counter(m for _, _, marks in self.complaints.values() for m in marks)
        self.attempts = db.execute("SELECT count(*) FROM delivery_attempts").fetchone()[0]


def acknowledged_stored_once(view, outcomes):
    """Every request answered 2xx is in the store exactly once (found by its markers)."""
    answered = [m for o in outcomes if 200 <= o.status < 300 for m in o.request.markers]
    missing = [m for m in answered if view.marker_count[m] == 0]
    doubled = [m for m in answered if view.marker_count[m] > 1]
    ok = answered and not missing and not doubled
    return ok, (f"{len(answered)} acknowledged complaints: {len(answered) - len(missing) - len(doubled)} stored "
                f"exactly once, {len(missing)} missing, {len(doubled)} stored twice")


def nothing_stored_twice(view):
    doubled = [m for m, n in view.marker_count.items() if n > 1]
    return not doubled, f"{len(view.marker_count)} distinct complaints in the store, {len(doubled)} stored twice"


def answers_were_definite(outcomes):
    """After retries every request got 2xx; a 4xx here would be the gateway refusing good input."""
    refused = collections.Counter(o.status for o in outcomes if not 200 <= o.status < 300)
    return not refused, f"{len(outcomes)} requests answered, refused: {dict(refused) or 'none'}"


def delivered_at_least_once(view, deliveries):
    delivered = {d["id"] for d in deliveries if d["status"] == 200}
    undelivered = [cid for cid in view.complaints if cid not in delivered]
    states = collections.Counter(state for state, _, _ in view.complaints.values())
    return not undelivered, (f"{len(view.complaints)} stored complaints: {len(view.complaints) - len(undelivered)} "
                             f"delivered (2xx seen by the receiver), {len(undelivered)} not; states {dict(states)}")


def duplicates_share_their_key(deliveries):
    by_id = collections.defaultdict(list)
    for delivery in deliveries:
        if delivery["status"] == 200:
            by_id[delivery["id"]].append(delivery["key"])
    repeated = {cid: keys for cid, keys in by_id.items() if len(keys) > 1}
    mixed = [cid for cid, keys in repeated.items() if len(set(keys)) != 1]
    extra = sum(len(keys) - 1 for keys in repeated.values())
    missing_key = sum(1 for keys in by_id.values() for key in keys if not key)
    ok = not mixed and not missing_key
    return ok, (f"{extra} duplicate deliveries ({len(repeated)} complaints delivered more than once), "
                f"{len(mixed)} with differing Idempotency-Keys, {missing_key} without one")


def raw_payloads_present(view):
    missing = [cid for cid, (_, raw, _) in view.complaints.items() if raw not in view.raw_ids]
    return not missing, f"{len(view.complaints)} complaints, {len(missing)} without their raw payload"


def integrity(view):
    return view.integrity == ["ok"], f"PRAGMA integrity_check: {'; '.join(view.integrity)[:200]}"
