import ComplaintCore
import Foundation
import Testing

@testable import GatewayServer

@Suite("Rule values that name nothing this configuration produces")
struct RuleValueCheckTests {
    @Test("a district no profile lists and an adapter that is no source are warned of, with the likely meaning")
    func typos() throws {
        let config = try SampleConfigCopy.temporary("cg-rulevalues")
        defer { config.remove() }
        try config.edit("routing/keywords.yaml") {
            $0.replacingOccurrences(
                of: "      keywords_any: [停水, 没水, 水压低, 水管爆裂, 自来水]\n",
                with: "      keywords_any: [停水, 没水, 水压低, 水管爆裂, 自来水]\n      district: [拱墅, 西湖区]\n"
                    + "      adapter: [alibaba, 12345]\n")
        }
        let loaded = try GatewayConfiguration.load(
            directory: config.directory, environment: ["GATEWAY_TOKEN": String(repeating: "t", count: 20)])
        let warnings = loaded.warnings.map(\.description).filter { $0.contains("rule water-outage") }
        #expect(warnings.count == 2, "\(warnings)")
        #expect(
            warnings.contains {
                $0.hasPrefix("routing/keywords.yaml:")
                    && $0.hasSuffix(
                        "warning: rule water-outage.district: district \"拱墅\" is in no hotline profile's districts nor routing.districts (did "
                            + "you mean 拱墅区?): only a complaint whose location.district is exactly \"拱墅\" matches")
            }, "\(warnings)")
        #expect(
            warnings.contains {
                $0.contains(
                    "adapter \"alibaba\" is no SMS provider, hotline profile, mailbox or token of this configuration (")
                    && $0.contains("aliyun") && $0.contains("12345") && !$0.contains("\"12345\"")
            }, "\(warnings)")
    }
}
