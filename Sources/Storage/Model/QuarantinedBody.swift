import Foundation

/// A quarantined payload's bytes as they were received, for an operator to look at, fix and
/// send again: in the store (`body`), or, for a hotline upload, in a file (`bodyPath`).
public struct QuarantinedBody: Sendable {
    public var contentType: String?
    public var body: Data
    public var bodyPath: String?

    public init(contentType: String?, body: Data, bodyPath: String?) {
        self.contentType = contentType
        self.body = body
        self.bodyPath = bodyPath
    }
}
