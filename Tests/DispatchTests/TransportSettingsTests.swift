import ComplaintDispatch
import Foundation
import Testing

/// A reload keeps the running transport (and its kept-alive connections) exactly when the
/// settings it was built from are unchanged: each endpoint's TLS files, by content, and proxy.
@Suite struct TransportSettingsTests {
    private static func department(
        _ id: String, url: String, tls: EndpointTLS? = nil, proxy: EndpointProxy? = nil, maxInFlight: Int = 16,
        headers: [HeaderField] = []
    ) -> Department {
        Department(
            id: id, name: id,
            endpoint: Department.Endpoint(
                url: url, maxInFlight: maxInFlight, headers: headers, tls: tls, proxy: proxy))
    }

    @Test func settingsATransportIsNotBuiltFromDoNotCount() throws {
        let proxy = try EndpointProxy(url: "http://127.0.0.1:3128")
        let before = [
            Self.department("water", url: "http://127.0.0.1:9/water"),
            Self.department("parks", url: "http://127.0.0.1:9/parks", proxy: proxy),
        ]
        // A new department without TLS or proxy, other limits and headers, another plain URL.
        let after = [
            Self.department("water", url: "http://127.0.0.1:9/water-v2", maxInFlight: 4),
            Self.department(
                "parks", url: "http://127.0.0.1:9/parks", proxy: proxy, headers: [HeaderField(name: "X-A", value: "1")]),
            Self.department("housing", url: "http://127.0.0.1:9/housing"),
        ]
        #expect(TransportSettings(before) == TransportSettings(after))
    }

    @Test func aProxyAddedChangedOrRemovedCounts() throws {
        let plain = [Self.department("parks", url: "http://127.0.0.1:9/parks")]
        let first = [
            Self.department(
                "parks", url: "http://127.0.0.1:9/parks", proxy: try EndpointProxy(url: "http://127.0.0.1:3128"))
        ]
        let second = [
            Self.department(
                "parks", url: "http://127.0.0.1:9/parks", proxy: try EndpointProxy(url: "http://127.0.0.1:3129"))
        ]
        #expect(TransportSettings(plain) != TransportSettings(first))
        #expect(TransportSettings(first) != TransportSettings(second))
        #expect(TransportSettings(first) == TransportSettings(first))
    }

    /// A certificate renewed under the same file name is a change: the files are compared by content.
    @Test func aTLSFileRewrittenInPlaceCounts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem")
        try Data("first".utf8).write(to: ca)
        let departments = [
            Self.department("water", url: "https://127.0.0.1:9/water", tls: EndpointTLS(caFile: ca.path))
        ]
        let before = TransportSettings(departments)
        #expect(TransportSettings(departments) == before)
        try Data("renewed".utf8).write(to: ca)
        #expect(TransportSettings(departments) != before)
        try FileManager.default.removeItem(at: ca)
        #expect(TransportSettings(departments) != before)
    }
}
