import ComplaintCore
import Foundation
import Routing

/// Writes a config directory with the given rule tables and loads the routing section.
struct RoutingFixture {
    let directory: URL

    init(tables: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-routing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("routing"), withIntermediateDirectories: true)
        for (name, text) in tables {
            try text.write(
                to: directory.appendingPathComponent("routing/\(name).yaml"), atomically: true, encoding: .utf8)
        }
    }

    static let departments: Set<String> = ["citizen-services", "urban-management", "water-supply", "district-west"]

    /// Loads `section` (the `routing:` YAML of gateway.yaml) against the tables written.
    func load(section: String, environment: [String: String] = [:]) -> (RoutingConfiguration?, ConfigDiagnostics) {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: section, displayName: "gateway.yaml", diagnostics: diagnostics,
            environment: environment)
        let configuration = RoutingLoader.load(
            section: root["routing"], configDirectory: directory,
            departments: Self.departments)
        return (configuration, diagnostics)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

func complaint(_ text: String, channel: Channel = .api, category: String? = nil, subject: String? = nil) -> Complaint {
    let received = RFC3339.parse("2026-11-29T09:00:00Z")!
    return Complaint(
        id: "cmp_TEST", channel: channel, receivedAt: received, ingestedAt: received,
        source: .init(adapter: "test"), subject: subject, text: text, category: category)
}
