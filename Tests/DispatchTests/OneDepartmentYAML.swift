import ComplaintCore
import ComplaintDispatch
import Foundation

/// Loads departments.yaml with one department, `water`, whose endpoint is `endpoint` (YAML lines,
/// indented here), as the gateway would.
func loadOneDepartment(endpoint: String, directory: URL? = nil, environment: [String: String] = [:])
    -> ([Department], ConfigDiagnostics)
{
    let diagnostics = ConfigDiagnostics()
    let yaml = """
        departments:
          - id: water
            endpoint:
        \(endpoint.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
        """
    let root = ConfigNode.parse(
        yaml: yaml, displayName: "departments.yaml", diagnostics: diagnostics, environment: environment)
    return (DepartmentsLoader.read(root, directory: directory), diagnostics)
}
