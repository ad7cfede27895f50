import HTTPTypes

extension HTTPFields {
    /// The value of the field `name`, as `self[name]` gives it (repeated fields joined with ", "),
    /// found by a scan of the request's few fields.
    ///
    /// `self[name]` first builds a hash index of every field name, which a request's fields,
    /// new for each request, pay for on their first lookup; on the intake path that was a
    /// visible share of each request's CPU.
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            // Rare: repeated fields keep the joined form, so "Bearer a, Bearer b" stays invalid.
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }

    /// Whether a field called `name` is present, by the same scan.
    func has(_ name: HTTPField.Name) -> Bool { contains { $0.name == name } }

    /// Sets `name` to `value`, replacing any field of that name; appends when there is none (the
    /// usual case for a response being built) without building the hash index.
    mutating func set(_ name: HTTPField.Name, _ value: String) {
        if has(name) {
            self[name] = value
        } else {
            append(HTTPField(name: name, value: value))
        }
    }
}

extension HTTPField.Name {
    /// `Idempotency-Key`, made once: a name is validated each time it is built from a string.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
