import HTTPTypes
import Hummingbird

/// Headers every response carries, error responses included: the browser must not sniff a JSON
/// body into HTML, frame the upload page, or leak the URL in a `Referer`; and bodies, which carry
/// complainants' personal data, must not be kept by caches.
enum SecurityHeaders {
    /// For anything that is not the upload page: nothing may load, run or frame.
    static let apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

    /// For the upload page: its own script and stylesheet, requests to its own origin, nothing inline.
    static let pageContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

    /// Adds the headers a route did not set itself (the page sets its own policy, assets their caching).
    static func apply(to headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if headers[.contentSecurityPolicy] == nil { headers[.contentSecurityPolicy] = apiContentSecurityPolicy }
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}
