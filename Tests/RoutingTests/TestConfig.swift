import ComplaintCore
import Foundation
import Routing

/// Writes a config directory with the given rule tables and loads the routing section.
struct RoutingFixture {
    let directory: URL

    /// - Parameters:
    ///   - tables: YAML tables by name (written as `routing/<name>.yaml`).
    ///   - files: other files by path relative to the config directory (`routing/x.csv`, `calendar.yaml`).
    init(tables: [String: String], files: [String: Data] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cg-routing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("routing"), withIntermediateDirectories: true)
        for (name, text) in tables {
            try text.write(
                to: directory.appendingPathComponent("routing/\(name).yaml"), atomically: true, encoding: .utf8)
        }
        for (path, data) in files {
            try data.write(to: directory.appendingPathComponent(path))
        }
    }

    static let departments: Set<String> = ["citizen-services", "urban-management", "water-supply", "district-west"]

    /// Loads `section` (the `routing:` YAML of gateway.yaml) against the tables written.
    func load(section: String, environment: [String: String] = [:]) -> (RoutingConfiguration?, ConfigDiagnostics) {
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode.parse(
            yaml: section, displayName: "gateway.yaml", diagnostics: diagnostics,
            environment: environment)
        // A fixed day inside the years the fixtures' calendars list, so no horizon warning.
        let configuration = RoutingLoader.load(
            section: root["routing"], configDirectory: directory,
            departments: Self.departments, now: Date(timeIntervalSince1970: 1_780_000_000))
        return (configuration, diagnostics)
    }

    /// Loads `section` and builds the router, failing on any issue.
    func router(section: String) throws -> RuleRouter {
        let (configuration, diagnostics) = load(section: section)
        guard let configuration, diagnostics.issues.isEmpty else {
            throw ConfigError(issues: diagnostics.issues)
        }
        return RuleRouter(configuration: configuration)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The `routing:` section for one table named `t`, default citizen-services.
let oneTableSection = """
    routing:
      tables: [t]
      default: { department: citizen-services }
    """

/// Builds a router from one YAML table named `t` (and optional extra files), default citizen-services.
func router(table: String, files: [String: Data] = [:]) throws -> RuleRouter {
    let fixture = try RoutingFixture(tables: ["t": table], files: files)
    defer { fixture.remove() }
    return try fixture.router(section: oneTableSection)
}

/// Every issue of loading the YAML table `t`.
func tableIssues(yaml: String) throws -> [ConfigIssue] {
    let fixture = try RoutingFixture(tables: ["t": yaml])
    defer { fixture.remove() }
    return fixture.load(section: oneTableSection).1.issues
}

/// Every issue of loading the CSV table `t`.
func tableIssues(csv: String) throws -> [ConfigIssue] {
    let fixture = try RoutingFixture(tables: [:], files: ["routing/t.csv": Data(csv.utf8)])
    defer { fixture.remove() }
    return fixture.load(section: oneTableSection).1.issues
}

func complaint(
    _ text: String, channel: Channel = .api, category: String? = nil, subject: String? = nil,
    received: String = "2026-11-29T09:00:00Z"
) -> Complaint {
    let receivedAt = RFC3339.parse(received)!
    return Complaint(
        id: "cmp_TEST", channel: channel, receivedAt: receivedAt, ingestedAt: receivedAt,
        source: .init(adapter: "test"), subject: subject, text: text, category: category)
}
