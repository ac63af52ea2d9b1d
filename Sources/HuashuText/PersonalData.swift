/// Phone and ID numbers are never shown in full unless a supervisor asks:
/// `139****5678`, `4403**********1234`. One masker for fields and for free
/// text (notes, searches kept in history, ledger cells in error messages),
/// which finds the numbers however they were typed: with spaces, `-` or `.`
/// between groups (`139-1234-5678`, `4403 0119 9001 0112 34`), after `+86`,
/// `86` or `0086`, in full-width digits, and with an ID's check letter as `X`
/// or `x`. Over-masking a long number that only looks like one is the safe side.
public enum PersonalData {
    /// The text with every phone and ID number in it masked.
    public static func masked(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { digit($0) != nil }) else { return text }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            // A UUID or a hash (a temporary folder's name, a seal) is not a person's number, however its digits fall.
            if let end = hexIdentifierEnd(scalars, from: index) {
                out.append(contentsOf: scalars[index..<end])
                index = end
                continue
            }
            guard digit(scalars[index]) != nil || (isPlus(scalars[index]) && index + 1 < scalars.count && digit(scalars[index + 1]) != nil) else {
                out.append(scalars[index])
                index += 1
                continue
            }
            let groups = numberGroups(scalars, from: index)
            out.append(contentsOf: maskGroups(groups, scalars).unicodeScalars)
            index = groups.last!.end
        }
        return String(out)
    }

    /// A phone field: the number masked, or any other text of 7 characters or more kept to its ends.
    public static func phone(_ phone: String?) -> String? {
        guard let phone else { return nil }
        let masked = masked(phone)
        return masked != phone || phone.count < 7 ? masked : keepingEnds(phone, 3)
    }

    /// An ID field: the number masked, or any other text of 8 characters or more kept to its ends.
    public static func idNumber(_ id: String?) -> String? {
        guard let id else { return nil }
        let masked = masked(id)
        return masked != id || id.count < 8 ? masked : keepingEnds(id, 4)
    }

    /// A name on a screen others see (the wallboard): the family name kept, the rest starred, 张伟 → 张*.
    public static func name(_ name: String) -> String {
        guard let first = name.first else { return name }
        return String(first) + String(repeating: "*", count: name.count - 1)
    }

    /// A plate on a screen others see: the region and the last two kept, 粤B12345 → 粤B***45.
    public static func plate(_ plate: String) -> String {
        plate.count <= 4 ? plate : String(plate.prefix(2)) + String(repeating: "*", count: plate.count - 4) + String(plate.suffix(2))
    }

    private static func keepingEnds(_ text: String, _ head: Int) -> String {
        String(text.prefix(head)) + String(repeating: "*", count: text.count - head - 4) + String(text.suffix(4))
    }

    /// A run of digit groups, each separated from the next by at most two of ` `, `-`, `.`, U+3000.
    private struct Group {
        var start: Int
        var end: Int
        var digits: [UInt8]
    }

    private static func numberGroups(_ s: [Unicode.Scalar], from start: Int) -> [Group] {
        var groups: [Group] = []
        var index = start
        while index < s.count {
            var group = Group(start: index, end: index, digits: [])
            if isPlus(s[index]) { index += 1 }
            while index < s.count, let d = digit(s[index]) {
                group.digits.append(d)
                index += 1
            }
            // An ID's check letter ends its last group when no letter or digit follows.
            if index < s.count, s[index] == "X" || s[index] == "x", !group.digits.isEmpty,
               index + 1 == s.count || !(s[index + 1].properties.isAlphabetic || digit(s[index + 1]) != nil) {
                group.digits.append(UInt8(ascii: "X"))
                index += 1
            }
            group.end = index
            groups.append(group)
            guard group.digits.last != UInt8(ascii: "X") else { break }
            var next = index
            while next < s.count, next - index < 2, isSeparator(s[next]) { next += 1 }
            guard next > index, next < s.count, digit(s[next]) != nil else { break }
            index = next
        }
        return groups
    }

    /// Masks each longest stretch of whole groups that reads as a phone or ID number; keeps the rest as typed.
    private static func maskGroups(_ groups: [Group], _ s: [Unicode.Scalar]) -> String {
        var out = ""
        var first = 0
        while first < groups.count {
            var found: (last: Int, masked: String)?
            var digits: [UInt8] = []
            for last in first..<groups.count {
                digits += groups[last].digits
                if let masked = maskNumber(digits) { found = (last, masked) }
                if digits.count > 22 { break }
            }
            if let found {
                out += found.masked
                first = found.last + 1
            } else {
                out += String(String.UnicodeScalarView(s[groups[first].start..<groups[first].end]))
                first += 1
            }
            if first < groups.count {
                out += String(String.UnicodeScalarView(s[groups[first - 1].end..<groups[first].start]))
            }
        }
        return out
    }

    /// A mainland mobile (11 digits from 1, after an optional 86 or 0086) or an ID (15, or 17 and a check digit or X).
    private static func maskNumber(_ digits: [UInt8]) -> String? {
        let text = String(decoding: digits, as: UTF8.self)
        let hasX = digits.last == UInt8(ascii: "X")
        if !hasX {
            for prefix in ["", "86", "0086"] where text.hasPrefix(prefix) {
                let rest = text.dropFirst(prefix.count)
                if rest.count == 11, rest.first == "1" { return keepingEnds(String(rest), 3) }
            }
        }
        if text.count == 18 || (text.count == 15 && !hasX) { return keepingEnds(text, 4) }
        return nil
    }

    /// Where a run of hex digits (and `-`) starting here ends, when it holds at least 32 of them and a
    /// letter a-f: a UUID or a digest. Nil anywhere else, or in the middle of such a run.
    private static func hexIdentifierEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        func isHex(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isASCIIHexDigit }
        guard isHex(s[start]) || s[start] == "-", start == 0 || !(isHex(s[start - 1]) || s[start - 1] == "-") else { return nil }
        var end = start, hexDigits = 0, letters = 0
        while end < s.count, isHex(s[end]) || s[end] == "-" {
            if isHex(s[end]) { hexDigits += 1 }
            if s[end].value > 0x39 { letters += 1 }
            end += 1
        }
        return hexDigits >= 32 && letters > 0 ? end : nil
    }

    /// The ASCII value of an ASCII or full-width digit.
    private static func digit(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x30...0x39: return UInt8(scalar.value)
        case 0xFF10...0xFF19: return UInt8(scalar.value - 0xFF10 + 0x30)
        default: return nil
        }
    }

    private static func isPlus(_ scalar: Unicode.Scalar) -> Bool { scalar == "+" || scalar == "\u{FF0B}" }

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "-" || scalar == "." || scalar == "\u{3000}" || scalar == "\u{FF0D}" || scalar == "\u{2014}"
    }
}
