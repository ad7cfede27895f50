import Foundation

/// What one attempt sends: the body (the record, or the department's template rendered from
/// it) and every header. Built fresh for each attempt so the signature carries the attempt's
/// own timestamp; the body and `Idempotency-Key` are the same on every attempt.
public struct DeliveryRequest: Sendable, Hashable {
    public var url: String
    public var headers: [HeaderField]
    public var body: Data

    /// - Parameters:
    ///   - complaintID: the record's id: `Idempotency-Key` and `webhook-id`.
    ///   - record: the record as committed.
    ///   - endpoint: the department's settings.
    ///   - now: the attempt's time (`webhook-timestamp`).
    /// - Throws: ``BodyTemplate/Failure`` when the department's template cannot render this record.
    public static func build(complaintID: String, record: Data, endpoint: Department.Endpoint, now: Date)
        throws(BodyTemplate.Failure) -> DeliveryRequest
    {
        let body = try endpoint.template?.render(record: record) ?? record
        var headers = [
            HeaderField(name: "Content-Type", value: endpoint.template?.contentType ?? "application/json"),
            HeaderField(name: "Idempotency-Key", value: complaintID),
            HeaderField(name: "User-Agent", value: "complaint-gateway"),
        ]
        if let authorization = endpoint.auth.headerValue {
            headers.append(HeaderField(name: "Authorization", value: authorization))
        }
        headers.append(contentsOf: endpoint.headers)
        if let secret = endpoint.signingSecret {
            headers += StandardWebhooksSigner.headers(id: complaintID, timestamp: now, body: body, secret: secret)
        }
        return DeliveryRequest(url: endpoint.url, headers: headers, body: body)
    }
}
