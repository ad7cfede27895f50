/// The `# HELP` line of each metric the gateway exports, added to the scrape.
///
/// The metrics are made through swift-metrics, whose factory registers every name without help
/// text, and the Prometheus registry refuses a name registered twice with different help. So the
/// help is added where the text is written: before each family's `# TYPE` line, once per scrape.
enum MetricHelp {
    static let texts: [String: String] = [
        "cg_complaints_accepted_total": "Complaints accepted and committed, by channel.",
        "cg_complaints_duplicate_total":
            "Submissions answered with an existing complaint (same natural key or Idempotency-Key), by channel.",
        "cg_intake_rejected_total": "Authenticated submissions refused as invalid, by channel and error code.",
        "cg_intake_ignored_total":
            "Messages kept raw but deliberately not made complaints (auto-replies, bounces), by channel and kind.",
        "cg_quarantine_reprocessed_total": "Quarantined payloads processed again, by channel and outcome.",
        "cg_sms_rejected_total":
            "SMS webhooks refused before parsing (bad or missing signature, stale timestamp), by provider and code.",
        "cg_sms_ignored_total":
            "SMS callbacks acknowledged without a complaint (delivery status callbacks), by provider.",
        "cg_hotline_imports_resumed_total":
            "Call-log imports a stop cut short taken up again by the gateway, by outcome (finished, quarantined, store_refused).",
        "cg_hotline_unrecorded_uploads_total":
            "Files in the uploads folder that no upload named, put in quarantine.",
        "cg_imap_poll_failures_total": "Mailbox polls that failed, by mailbox.",
        "cg_imap_oversized_total": "Polled messages above email.max_message_bytes left in the mailbox, by mailbox.",
        "cg_imap_unreadable_total": "Polled messages the IMAP server failed to return, by mailbox.",
        "cg_http_slow_bodies_closed_total":
            "Connections closed because a request body came slower than server.body_min_rate.",
        "cg_routing_reloads_total": "Routing configuration reloads, by result (accepted or refused).",
        "cg_routing_regex_timeouts_total": "Regex conditions stopped at their time limit and counted as no match.",
        "cg_store_commit_seconds": "Time to commit one batch of writes to the store.",
        "cg_store_commit_batch_size": "Operations carried by one store commit.",
        "cg_outbox_depth": "Complaints neither delivered nor dead-lettered.",
        "cg_outbox_claims_total": "Reads of the outbox for deliveries that are due.",
        "cg_deliveries_delivered_total": "Complaints delivered to their department's endpoint, by department.",
        "cg_deliveries_retried_total": "Delivery attempts that failed and were scheduled again, by department.",
        "cg_deliveries_dead_lettered_total": "Complaints given up on and dead-lettered, by department.",
        "cg_dispatch_breaker_state": "Circuit breaker of a department's endpoint: 0 closed, 1 half-open, 2 open.",
        "cg_dispatch_rate_limited": "1 while a department endpoint's rate_limit lets no delivery start.",
        "hb_requests": "HTTP requests answered, by route, method and status.",
        "hb_request_errors": "HTTP requests answered with an error status, by route, method and error type.",
        "http_server_request_duration": "Time to answer an HTTP request, by route, method and status.",
        "http_server_active_requests": "HTTP requests being answered, by method.",
    ]

    /// The exposition text with a `# HELP` line before each `# TYPE` line of a known metric.
    static func annotate(_ exposition: [UInt8]) -> [UInt8] {
        var annotated: [UInt8] = []
        annotated.reserveCapacity(exposition.count + texts.count * 96)
        let typePrefix = Array("# TYPE ".utf8)
        for line in exposition.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: typePrefix) {
                let name = line.dropFirst(typePrefix.count).prefix { $0 != UInt8(ascii: " ") }
                if let help = texts[String(decoding: name, as: UTF8.self)] {
                    annotated += Array("# HELP ".utf8) + name + Array(" \(help)\n".utf8)
                }
            }
            annotated += line
            annotated.append(UInt8(ascii: "\n"))
        }
        // Each piece had a newline after it but the last (empty when the text ends in one).
        annotated.removeLast()
        return annotated
    }
}
