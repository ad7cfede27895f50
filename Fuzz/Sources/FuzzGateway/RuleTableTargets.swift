import ComplaintCore
import Foundation
import Routing

/// The rule-table loaders: an input is one table (YAML or CSV) or calendar.yaml; what loads is
/// compiled into a router and asked to route a few complaints, as a reload would.
enum RuleTableTargets {
    static func yaml(_ bytes: [UInt8]) { load(table: "fuzz.yaml", bytes) }

    static func csv(_ bytes: [UInt8]) { load(table: "fuzz.csv", bytes) }

    static func calendar(_ bytes: [UInt8]) {
        FuzzConfig.write(bytes, as: "calendar.yaml")
        defer { FuzzConfig.write(FuzzConfig.original("calendar.yaml"), as: "calendar.yaml") }
        route(section: "tables: [deadlines]\ndefault: { department: citizen-services, due: 5 workdays }\n")
    }

    private static func load(table file: String, _ bytes: [UInt8]) {
        FuzzConfig.write(bytes, as: "routing/\(file)")
        defer { try? FileManager.default.removeItem(at: FuzzConfig.scratch.appendingPathComponent("routing/\(file)")) }
        route(section: "tables: [\(file)]\ndefault: { department: citizen-services }\n")
    }

    private static func route(section text: String) {
        let diagnostics = ConfigDiagnostics()
        let section = ConfigNode.parse(
            yaml: text, displayName: "gateway.yaml", diagnostics: diagnostics, environment: [:])
        guard
            let configuration = RoutingLoader.load(
                section: section, configDirectory: FuzzConfig.scratch, departments: FuzzConfig.departments)
        else { return }
        let router = RuleRouter(configuration: configuration)
        for complaint in samples { _ = router.decide(complaint, withTrace: true) }
    }

    /// Complaints touching the conditions tables use: text, category, district, channel, time.
    static let samples: [Complaint] = [
        Complaint(
            id: "01JFUZZ0000000000000000000", channel: .sms, receivedAt: Invariants.receivedAt,
            ingestedAt: Invariants.receivedAt, source: Complaint.Source(adapter: "fuzz"),
            complainant: Complaint.Complainant(phone: "+8613800138000"), text: "小区停水三天了，没水做饭",
            category: "供水", location: Complaint.Location(district: "西湖区")),
        Complaint(
            id: "01JFUZZ0000000000000000001", channel: .api,
            receivedAt: Invariants.receivedAt.addingTimeInterval(5 * 86_400 + 3600 * 13),
            ingestedAt: Invariants.receivedAt, source: Complaint.Source(adapter: "fuzz"),
            subject: "Noise at night", text: "Construction noise after 22:00 near the school, every day",
            location: Complaint.Location(address: "1 Main St")),
    ]
}
