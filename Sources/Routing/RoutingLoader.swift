import ComplaintCore
import Foundation

/// Reads and validates the routing section of gateway.yaml and the rule tables it lists.
public enum RoutingLoader {
    /// Keys allowed under `routing:` in gateway.yaml.
    static let sectionKeys: Set<String> = ["tables", "default"]

    /// Loads `routing:` (from gateway.yaml) and `routing/<table>.yaml` for each listed table.
    ///
    /// - Parameters:
    ///   - section: the `routing` node of gateway.yaml.
    ///   - configDirectory: the config directory holding `routing/`.
    ///   - departments: known department ids; an outcome naming another is an error.
    /// - Returns: the configuration, or nil when errors were reported to `section.diagnostics`.
    public static func load(section: ConfigNode, configDirectory: URL, departments: Set<String>)
        -> RoutingConfiguration?
    {
        let diagnostics = section.diagnostics
        let errorsBefore = diagnostics.errors.count
        section.expectMapping(allowedKeys: sectionKeys)

        let defaultNode = section["default"]
        defaultNode.expectMapping(allowedKeys: ["department", "priority", "due_in_hours"])
        let defaultDepartment = defaultNode["department"].requiredString() ?? ""
        if !defaultDepartment.isEmpty, !departments.contains(defaultDepartment) {
            defaultNode["department"].error(unknownDepartment(defaultDepartment, departments))
        }
        let defaultOutcome = RoutingConfiguration.DefaultOutcome(
            department: defaultDepartment,
            priority: defaultNode["priority"].oneOf(Priority.self, default: .normal),
            dueInHours: defaultNode["due_in_hours"].isPresent
                ? defaultNode["due_in_hours"].int(default: 0, in: 1...87_600) : nil
        )

        var tables: [RuleTable] = []
        var versionInput = Data("default=\(defaultOutcome)\n".utf8)
        var seenTables: Set<String> = []
        for entry in section["tables"].items() {
            guard let name = entry.requiredString() else { continue }
            guard seenTables.insert(name).inserted else {
                entry.error("table \"\(name)\" is listed twice")
                continue
            }
            guard !name.contains("/"), !name.hasPrefix(".") else {
                entry.error("table name \"\(name)\" must be a file name in routing/, without a path")
                continue
            }
            let url = configDirectory.appendingPathComponent("routing/\(name).yaml")
            guard let bytes = try? Data(contentsOf: url) else {
                entry.error("rule table file routing/\(name).yaml does not exist")
                continue
            }
            versionInput.append(Data("table=\(name)\n".utf8))
            versionInput.append(bytes)
            // Parsed from the bytes just hashed: one read, and the version matches what was parsed.
            let root = ConfigNode.parse(
                data: bytes, displayName: "routing/\(name).yaml", diagnostics: diagnostics,
                environment: section.environment)
            tables.append(RuleTableReader.read(root, name: name, departments: departments))
        }

        guard diagnostics.errors.count == errorsBefore else { return nil }
        return RoutingConfiguration(
            tables: tables, defaultOutcome: defaultOutcome,
            version: "sha256:" + ContentHash.sha256Hex(versionInput))
    }

    static func unknownDepartment(_ id: String, _ departments: Set<String>) -> String {
        "unknown department \"\(id)\" (departments.yaml defines: \(departments.sorted().joined(separator: ", ")))"
    }
}
