import ComplaintCore
import Testing

@Suite("Labelled addresses in a message's text")
struct LabelledAddressTests {
    @Test(
        "a labelled line or clause gives the address, as people write it",
        arguments: [
            ("小区门口垃圾三天没人清理\n地址：西湖区文三路12号\n电话：13812345678", "西湖区文三路12号"),
            ("噪音扰民，事发地点：滨江区江南大道2号，请尽快处理。", "滨江区江南大道2号"),
            ("1. 地址: 上城区解放路3号 3单元\n2. 电话：138", "上城区解放路3号 3单元"),
            ("地址：西湖区文三路12号　电话：13812345678", "西湖区文三路12号"),
            ("地址：西湖区文三路12号  联系人：王先生", "西湖区文三路12号"),
            ("Address: 12 Main St, Springfield.\nPhone: 555", "12 Main St, Springfield"),
            ("- location : Flatbush Ave & Church Ave", "Flatbush Ave & Church Ave"),
            // The place it happened wins over the writer's own address, on any line.
            ("我家地址：拱墅区莫干山路1号\n家庭住址：拱墅区莫干山路1号\n事发地址：西湖区文三路12号", "西湖区文三路12号"),
            ("詳細地址：灣仔區軒尼詩道1號", "灣仔區軒尼詩道1號"), ("楼上装修太吵，我家地址：拱墅区莫干山路1号", "拱墅区莫干山路1号"),
            // A form's field: the label alone on its line, the value on the next (a blank one between).
            ("事发地址：\n西湖区文三路12号\n联系电话：13812345678", "西湖区文三路12号"),
            ("投诉内容：噪音\r\n事发地址:\r\n\r\n  滨江区江南大道2号\r\n", "滨江区江南大道2号"),
            ("Address:\n12 Main St, Springfield", "12 Main St, Springfield"),
            // White space after the colon; a two-column form's cells as text, no colon at all.
            ("事发地址：\t西湖区文三路12号", "西湖区文三路12号"), ("地址：  西湖区文三路12号  电话：138", "西湖区文三路12号"),
            ("姓名 张三\n事发地址 西湖区文三路12号\n联系电话 13812345678", "西湖区文三路12号"),
            ("2. 详细地址\t滨江区江南大道2号", "滨江区江南大道2号"),
            // A sentence: the label opening a clause, a connective or none, then a place.
            ("路灯不亮，地址在滨江区江南大道2号", "滨江区江南大道2号"),
            ("小区门口夜间施工，事发地点是西湖区文三路与学院路交叉口，请处理", "西湖区文三路与学院路交叉口"),
            ("地址西湖区文三路12号", "西湖区文三路12号"), ("我家地址是拱墅区莫干山路1号，楼上装修太吵", "拱墅区莫干山路1号"),
            ("噪音扰民 地址位于上城区解放路3号", "上城区解放路3号"),
        ])
    func found(text: String, address: String) {
        #expect(LabelledAddress.find(in: text) == address)
    }

    @Test(
        "prose, other kinds of address and placeholders give none",
        arguments: [
            "地址在哪里我也不清楚", "我的邮箱地址：zhang@example.com", "Email address: zhang@example.com",
            "IP地址：192.168.1.1 被封了", "地址：无", "地址：见附件", "事发地点：", "网址：http://example.com/a",
            "物业说地址:不详", "> 地址：上城区解放路3号", "小区门口垃圾三天没人清理", "",
            "地址：" + String(repeating: "很长的一段话", count: 30),
            // The line after a lone label is no value when it is a field of its own, or quoted.
            "事发地址：\n联系电话：13812345678", "事发地址：\n> 上城区解放路3号", "噪音扰民，事发地点：\n滨江区江南大道2号",
            // Without a colon only a label that begins the line, white space after it, and not
            // one common in prose.
            "位置 不对", "投诉地址不对", "我要投诉 地址 西湖区", "地点\t广场",
            // In a sentence only a place counts: not a denial, a question, or words without one.
            "地址不对，快递送错了", "地点在哪里我也不知道", "你们的地址是什么", "知道地址了", "地址是我家",
            "一个好地点在西湖区", "投诉8点在广场跳舞",
        ])
    func none(text: String) {
        #expect(LabelledAddress.find(in: text) == nil)
    }
}
