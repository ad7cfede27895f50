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
        headers.set(.xContentTypeOptions, "nosniff")
        headers.set(.referrerPolicy, "no-referrer")
        headers.set(.xFrameOptions, "DENY")
        if !headers.has(.contentSecurityPolicy) { headers.set(.contentSecurityPolicy, apiContentSecurityPolicy) }
        if !headers.has(.cacheControl) { headers.set(.cacheControl, "no-store") }
    }
}
