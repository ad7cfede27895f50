import ComplaintCore
import Foundation
import GatewayServer
import Testing

/// A file that cannot be parsed is reported once, with its line: not followed by invented
/// "required field is missing" errors about it, nor by "unknown department" errors in the rule
/// files when it is departments.yaml.
@Suite("A configuration file that does not parse")
struct ConfigSyntaxErrorTests {
    private func errors(editing file: String, _ edit: @escaping (String) -> String) throws -> [ConfigIssue] {
        let config = try SampleConfigCopy.temporary("cg-syntax")
        defer { config.remove() }
        try config.edit(file, edit)
        do {
            _ = try GatewayConfiguration.load(
                directory: config.directory, environment: ["GATEWAY_TOKEN": RunningGateway.token])
        } catch let error as ConfigError {
            return error.issues.filter { $0.severity == .error }
        }
        Issue.record("the configuration loaded")
        return []
    }

    @Test("a tab in gateway.yaml: one error, the syntax error, with its line")
    func tabInGateway() throws {
        let found = try errors(editing: "gateway.yaml") {
            $0.replacingOccurrences(of: "\n  max_body_bytes", with: "\n\tmax_body_bytes")
        }
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.file == "gateway.yaml")
        #expect(found.first?.message.hasPrefix("YAML syntax error") == true)
        #expect(found.first?.line != nil)
    }

    @Test("departments.yaml that does not parse: its error alone, not every rule's department")
    func brokenDepartments() throws {
        let found = try errors(editing: "departments.yaml") { $0 + "\n  - id: [unclosed\n" }
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.file == "departments.yaml")
    }

    @Test("an empty departments.yaml says the departments are missing")
    func emptyDepartments() throws {
        let found = try errors(editing: "departments.yaml") { _ in "# nothing yet\n" }
        #expect(found.contains { $0.file == "departments.yaml" && $0.field == "departments" }, "\(found)")
    }
}
