import ComplaintCore
import Foundation
import Routing
import Testing

/// `routing.districts`: a complaint with an address and no district gets the district its
/// address names, so `district` rules route mail, texts and API records that carry only an address.
@Suite("Districts from addresses")
struct DistrictFromAddressTests {
    static let table = """
        rules:
          - id: west
            when: { district: [西湖区] }
            then: { department: district-west }
        """

    static func complaint(address: String?, district: String? = nil) -> Complaint {
        Complaint(
            id: "cmp_1", channel: .email, receivedAt: Date(), ingestedAt: Date(),
            source: Complaint.Source(adapter: "inbox"), text: "垃圾三天没人清理",
            location: Complaint.Location(address: address, district: district))
    }

    @Test("the listed district the address names first is set, then the district rule routes it")
    func located() throws {
        let fixture = try RoutingFixture(tables: ["t": Self.table])
        defer { fixture.remove() }
        let router = try fixture.router(
            section: oneTableSection + "\n  districts: [上城区, 西湖区, 滨江区]")
        var record = Self.complaint(address: "杭州市西湖区文三路12号（近滨江区方向）")
        router.locate(&record)
        #expect(record.location.district == "西湖区")
        #expect(router.decide(record).routingInfo.department == "district-west")
        // A district the complaint came with stays; an address naming none leaves it empty.
        var given = Self.complaint(address: "西湖区文三路12号", district: "滨江区")
        router.locate(&given)
        #expect(given.location.district == "滨江区")
        var elsewhere = Self.complaint(address: "萧山区人民路1号")
        router.locate(&elsewhere)
        #expect(elsewhere.location.district == nil)
    }

    @Test(
        "no address, or one naming no district: the one listed district the subject and text name; two named, none")
    func namedInText() throws {
        let fixture = try RoutingFixture(tables: ["t": Self.table])
        defer { fixture.remove() }
        let router = try fixture.router(
            section: oneTableSection + "\n  districts: [上城区, 西湖区, 滨江区, 西湖, Queens]")
        func district(address: String? = nil, subject: String? = nil, _ text: String) -> String? {
            var record = Self.complaint(address: address)
            record.subject = subject
            record.text = text
            router.locate(&record)
            return record.location.district
        }
        // `西湖` is listed too, but here only inside `西湖区`: one district, not two.
        #expect(district("西湖区文三路的工地晚上还在施工") == "西湖区")
        #expect(district(subject: "西湖区文三路噪音", "晚上还在施工，西湖区的工地") == "西湖区")
        #expect(district(address: "文三路12号", "西湖区的工地") == "西湖区")
        #expect(district("我住滨江区，在西湖区上班") == nil)
        #expect(district("垃圾三天没人清理") == nil)
        #expect(district("Noise on Queensbridge Rd every night") == nil)
        #expect(district("Noise in QUEENS every night") == "Queens")
        // The address decides when it names one, whatever the text says.
        #expect(district(address: "滨江区江南大道2号", "西湖区的工地") == "滨江区")
        var routed = Self.complaint(address: nil)
        router.locate(&routed)
        #expect(routed.location.district == nil)
        routed.text = "西湖区文三路垃圾没人清理"
        // Explain routes as intake does: the district located first.
        #expect(router.explain(routed).routingInfo.department == "district-west")
        router.locate(&routed)
        #expect(router.decide(routed).routingInfo.department == "district-west")
    }

    @Test("without the list nothing is set; a name listed twice is an error at its line")
    func listRules() throws {
        let fixture = try RoutingFixture(tables: ["t": Self.table])
        defer { fixture.remove() }
        var record = Self.complaint(address: "西湖区文三路12号")
        try fixture.router(section: oneTableSection).locate(&record)
        #expect(record.location.district == nil)
        let (configuration, diagnostics) = fixture.load(
            section: oneTableSection + "\n  districts: [西湖区, Queens, QUEENS]")
        #expect(configuration == nil)
        #expect(
            diagnostics.issues.map(\.description) == [
                "gateway.yaml:4: routing.districts[2]: district \"QUEENS\" is listed twice (as \"Queens\")"
            ])
    }
}
