/// The categories `complaint/v1` knows: what rules test with `category` and what adapters map
/// a source's own values onto.
public enum ComplaintCategory {
    /// 投诉 complaint, 举报 report, 咨询 inquiry, 求助 request for help, 建议 suggestion.
    public static let all = ["投诉", "举报", "咨询", "求助", "建议"]

    /// The list as messages show it.
    public static let listed = all.joined(separator: ", ")
}
