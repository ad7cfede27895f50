import Foundation
import GatewayTestSupport
import Testing

/// The upload page runs no inline code and cannot be framed; every response, errors included, is
/// `nosniff`, and API responses (which carry personal data) are not cached.
@Suite("Security headers and the upload page's script policy")
struct SecurityHeadersTests {
    func header(_ reply: RunningGateway.Reply, _ name: String) -> String? {
        reply.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    @Test("the page: a CSP without 'unsafe-inline', no inline script, style or handler, its assets served")
    func page() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let page = try await gateway.request(.get, "/", token: nil, headers: [])
        #expect(page.status == 200)
        let policy = try #require(header(page, "Content-Security-Policy"))
        #expect(policy.contains("script-src 'self'"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(policy.contains("default-src 'none'"))
        #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
        #expect(header(page, "X-Frame-Options") == "DENY")
        #expect(header(page, "X-Content-Type-Options") == "nosniff")
        #expect(header(page, "Referrer-Policy") == "no-referrer")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains(#"<script src="/upload.js" defer></script>"#))
        #expect(!html.contains("<style"))
        #expect(html.components(separatedBy: "<script").count == 2, "one script tag, external")
        #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "inline event handler")
        #expect(html.range(of: #"\sstyle\s*="#, options: .regularExpression) == nil, "inline style attribute")

        let script = try await gateway.request(.get, "/upload.js", token: nil, headers: [])
        #expect(script.status == 200)
        #expect(header(script, "Content-Type")?.hasPrefix("text/javascript") == true)
        #expect(header(script, "X-Content-Type-Options") == "nosniff")
        let code = String(decoding: script.body, as: UTF8.self)
        for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
            #expect(!code.contains(sink), "\(sink) in upload.js")
        }
        let style = try await gateway.request(.get, "/upload.css", token: nil, headers: [])
        #expect(style.status == 200)
        #expect(header(style, "Content-Type")?.hasPrefix("text/css") == true)
        try await gateway.stop()
        await downstream.stop()
    }

    @Test("JSON responses, successes and errors alike: nosniff, no-store, a CSP that allows nothing")
    func apiResponses() async throws {
        let downstream = try await DownstreamServer.start()
        let gateway = try await RunningGateway.start(downstream: downstream.baseURL)
        let created = try await gateway.post(#"{"text":"<script>alert(1)</script>路灯不亮"}"#)
        let id = try #require(created.json["id"] as? String)
        let replies = [
            created,
            try await gateway.request(.get, "/v1/complaints/\(id)"),
            try await gateway.request(.get, "/v1/complaints"),
            try await gateway.request(.get, "/v1/complaints", token: nil),  // 401
            try await gateway.request(.get, "/v1/complaints/cmp_none"),  // 404
            try await gateway.request(.get, "/no/such/route", token: nil),  // router 404
            try await gateway.post("{"),  // 400
        ]
        for reply in replies {
            #expect(header(reply, "Content-Type")?.hasPrefix("application/json") == true, "\(reply.status)")
            #expect(header(reply, "X-Content-Type-Options") == "nosniff", "\(reply.status)")
            #expect(header(reply, "Cache-Control") == "no-store", "\(reply.status)")
            #expect(header(reply, "Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'")
        }
        try await gateway.stop()
        await downstream.stop()
    }
}
