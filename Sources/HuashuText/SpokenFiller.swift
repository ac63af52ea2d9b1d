/// Words customers say in every sentence (嗯, 那个, 吧, 了): they carry no
/// objection, so the search gives them no weight, and a cue made only of them
/// is reported by lint.
public enum SpokenFiller {
    /// Characters that on their own mean nothing for the search.
    public static let characters: Set<Character> = Set("嗯啊呃哦噢喔唉哎呀吧呢吗嘛么了的地得哈啦喽呗嘞咯这那个就是我你他她它们也都很在一下有")

    /// True when every character of the text is a filler (or not a letter at all).
    public static func isFiller(_ text: String) -> Bool {
        text.allSatisfy { characters.contains($0) || !($0.isLetter || $0.isNumber) }
    }
}
