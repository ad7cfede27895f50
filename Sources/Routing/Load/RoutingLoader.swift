import ComplaintCore
import Foundation

/// Reads and validates the routing section of gateway.yaml, the rule tables it lists and `calendar.yaml`.
public enum RoutingLoader {
    /// Keys allowed under `routing:` in gateway.yaml.
    static let sectionKeys: Set<String> = ["tables", "default", "districts"]
    /// Table file extensions, in the order they are looked for.
    static let extensions = ["yaml", "yml", "csv"]

    /// Loads `routing:` (from gateway.yaml), `routing/<table>.{yaml,csv}` for each listed table and
    /// `calendar.yaml` when present.
    ///
    /// - Parameters:
    ///   - section: the `routing` node of gateway.yaml.
    ///   - configDirectory: the config directory holding `routing/` and `calendar.yaml`.
    ///   - departments: known department ids; an outcome naming another is an error.
    /// - Returns: the configuration, or nil when errors were reported to `section.diagnostics`.
    /// `now` is when the tables are loaded: the calendar warns when its holidays stop too soon.
    public static func load(
        section: ConfigNode, configDirectory: URL, departments: Set<String>, now: Date = Date()
    ) -> RoutingConfiguration? {
        let diagnostics = section.diagnostics
        let errorsBefore = diagnostics.errors.count
        // When departments.yaml could not be parsed, every rule's department would read as unknown:
        // its own syntax error is the one problem to report.
        defer {
            if diagnostics.unreadableFiles.contains("departments.yaml") {
                diagnostics.discard { $0.message.hasPrefix("unknown department ") }
            }
        }
        section.expectMapping(allowedKeys: sectionKeys)

        let defaultNode = section["default"]
        defaultNode.expectMapping(allowedKeys: ["department", "priority", "due", "due_in_hours"])
        let defaultDepartment = defaultNode["department"].requiredString() ?? ""
        if !defaultDepartment.isEmpty, !departments.contains(defaultDepartment) {
            defaultNode["department"].error(unknownDepartment(defaultDepartment, departments))
        }
        var defaultDue: RuleOutcome = RuleOutcome()
        let parser = RuleFieldParser(departments: departments)
        for key in ["due", "due_in_hours"] where defaultNode[key].isPresent {
            parser.outcome(key, defaultNode[key].stringList(), into: &defaultDue, report: defaultNode[key].error)
        }
        let defaultOutcome = RoutingConfiguration.DefaultOutcome(
            department: defaultDepartment,
            priority: defaultNode["priority"].oneOf(Priority.self, default: .normal),
            due: defaultDue.due)

        var versionInput = Data("default=\(defaultOutcome)\n".utf8)
        var calendar = WorkCalendar()
        let calendarURL = configDirectory.appendingPathComponent("calendar.yaml")
        if let bytes = try? Data(contentsOf: calendarURL) {
            versionInput.append(Data("calendar\n".utf8))
            versionInput.append(bytes)
            let root = ConfigNode.parse(
                data: bytes, displayName: "calendar.yaml", diagnostics: diagnostics, environment: section.environment)
            calendar = WorkCalendarReader.read(root.reportingColumns(), now: now)
        }

        var tables: [RuleTable] = []
        var seenTables: Set<String> = []
        var listedFiles: Set<String> = []
        for entry in section["tables"].items() {
            guard let listed = entry.requiredString() else { continue }
            guard !listed.contains("/"), !listed.hasPrefix(".") else {
                entry.error("table name \"\(listed)\" must be a file name in routing/, without a path")
                continue
            }
            guard let resolved = resolve(listed, in: configDirectory, entry: entry) else { continue }
            let (name, file) = (resolved.name, resolved.file)
            listedFiles.insert(file)
            guard seenTables.insert(name).inserted else {
                entry.error("table \"\(name)\" is listed twice")
                continue
            }
            guard let bytes = try? Data(contentsOf: configDirectory.appendingPathComponent(file)) else {
                entry.error("cannot read \(file)")
                continue
            }
            versionInput.append(Data("table=\(file)\n".utf8))
            versionInput.append(bytes)
            // Parsed from the bytes just hashed: one read, and the version matches what was parsed.
            let errorsBeforeTable = diagnostics.errors.count
            let table: RuleTable
            if file.hasSuffix(".csv") {
                table = CSVRuleTableReader.read(
                    bytes, name: name, file: file, departments: departments, diagnostics: diagnostics)
            } else {
                let root = ConfigNode.parse(
                    data: bytes, displayName: file, diagnostics: diagnostics, environment: section.environment)
                table = RuleTableReader.read(root, name: name, file: file, departments: departments)
            }
            // An empty or truncated file (a deploy that wrote nothing yet) would quietly send every
            // complaint to the default department.
            if table.rules.isEmpty && diagnostics.errors.count == errorsBeforeTable {
                entry.error(
                    "rule table \(file) has no rules (the file is empty or only comments): every complaint would "
                        + "fall through it; give it rules or take it out of routing.tables")
            }
            tables.append(table)
        }

        warnUnlisted(in: configDirectory, listed: listedFiles, diagnostics: diagnostics)

        let districts = DistrictFinder.readList(section["districts"])
        // The district set before routing decides district rules: a new list is a new version.
        if !districts.isEmpty { versionInput.append(Data("districts=\(districts)\n".utf8)) }
        guard diagnostics.errors.count == errorsBefore else { return nil }
        return RoutingConfiguration(
            tables: tables, defaultOutcome: defaultOutcome, calendar: calendar,
            version: "sha256:" + ContentHash.sha256Hex(versionInput), districts: districts)
    }

    /// Warns of each table file in `routing/` that `routing.tables` does not list: a table added
    /// and not listed routes nothing, and would otherwise pass every check unseen. Hidden files
    /// (an editor's `.keywords.yaml.swp`) are not tables.
    private static func warnUnlisted(in directory: URL, listed: Set<String>, diagnostics: ConfigDiagnostics) {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("routing").path))
            ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let file = "routing/\(name)"
            guard !listed.contains(file), extensions.contains(where: { name.lowercased().hasSuffix(".\($0)") }) else {
                continue
            }
            diagnostics.report(
                ConfigIssue(
                    file: file, line: nil, field: "",
                    message: "not listed in routing.tables (gateway.yaml), so no complaint is routed by it: list it "
                        + "where it is to be evaluated, or move it out of routing/",
                    severity: .warning))
        }
    }

    /// The table's name and its file (relative to the config directory): `keywords` finds
    /// `routing/keywords.yaml`, `.yml` or `.csv` (exactly one must exist); `keywords.csv` names it outright.
    private static func resolve(_ listed: String, in directory: URL, entry: ConfigNode) -> (name: String, file: String)?
    {
        let manager = FileManager.default
        if let ext = extensions.first(where: { listed.lowercased().hasSuffix(".\($0)") }) {
            let file = "routing/\(listed)"
            guard manager.fileExists(atPath: directory.appendingPathComponent(file).path) else {
                entry.error("rule table file \(file) does not exist")
                return nil
            }
            return (String(listed.dropLast(ext.count + 1)), file)
        }
        let found = extensions.map { "routing/\(listed).\($0)" }.filter {
            manager.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        guard let file = found.first else {
            entry.error("rule table file routing/\(listed).yaml does not exist (nor .yml, .csv)")
            return nil
        }
        if found.count > 1 {
            entry.error("table \"\(listed)\" is ambiguous: both \(found.joined(separator: " and ")) exist")
            return nil
        }
        return (listed, file)
    }

    static func unknownDepartment(_ id: String, _ departments: Set<String>) -> String {
        "unknown department \"\(id)\" (departments.yaml defines: \(departments.sorted().joined(separator: ", ")))"
    }
}
