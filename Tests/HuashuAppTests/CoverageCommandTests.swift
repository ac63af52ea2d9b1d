import Foundation
import HuashuApp
import HuashuStore
import Testing

@Suite("huashu coverage", .serialized)
struct CoverageCommandTests {
    @Test func whatATraineeRehearsedHowOftenAndHowWell() throws {
        let fixture = try Fixture()
        let empty = try fixture.piped(["coverage"], input: "")
        #expect(empty.output == "还没有任何演练记录。用 huashu rehearse 开始演练。\n")

        // Two rehearsals for 小李: price found only at the second try, then both objections right.
        let haggler = try RehearsalPlan.make("price_haggler", seed: 7, wrongFirst: ["price": "别家"])
        #expect(try fixture.rehearse("price_haggler", seed: 7, plan: haggler).status == 0)
        let twice = try RehearsalPlan.make("two_objections", seed: 42)
        #expect(try fixture.rehearse("two_objections", seed: 42, plan: twice).status == 0)
        // And one for 小王, left after the greeting.
        let other = try fixture.piped(["rehearse", "--scenario", "wrong_person", "--seed", "1", "--agent", "小王"], input: "")
        #expect(other.status == 0)
        // A live call is never counted.
        #expect(try fixture.piped(["call", "粤B12345"], input: "1\n.end refused\n").status == 0)

        let result = try fixture.piped(["coverage", "--agent", "小李"], input: "")
        #expect(result.status == 0)
        let lines = result.output.components(separatedBy: "\n")
        // The summary first: calls, scenarios, success, what to practise next.
        #expect(lines[0] == "学员 小李")
        #expect(lines[1] == "  演练 2 通，场景 2/6 个：price_haggler、two_objections")
        #expect(lines[2] == "  全程无错 1/2 通（成功率 50%）")
        #expect(lines[3].hasPrefix("  最该练：价格高 [price]（1/2 次一次找对）；从未练过的 "))
        func row(_ title: String, under header: String) throws -> [String] {
            let start = try #require(lines.firstIndex { $0.hasPrefix(header) })
            let line = try #require(lines[start...].first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(title) }, "\(result.output)")
            return line.trimmingCharacters(in: .whitespaces).dropFirst(title.count).split(separator: " ").map(String.init)
        }
        let today = String(CoverageReport.dateTime(Date().timeIntervalSince1970).prefix(10))
        // Counted in rehearsals: price came up in both, found at once in one.
        let price = try row("价格高 [price]", under: "异议处理")
        #expect(price.prefix(3) == ["2", "1", "(50%)"])
        #expect(price.last == today)
        #expect(try row("还要考虑 [think]", under: "异议处理").prefix(3) == ["1", "1", "(100%)"])
        #expect(result.output.contains("  从未练过：尚未到期 [not_due]、"))
        #expect(result.output.contains("要求面谈 [meet_in_person]、"))
        // Answer options: practised ones with their step, the rest of a practised step's options listed.
        #expect(try row("问候核实 [greet] → “是我”", under: "回答选项").prefix(4) == ["2", "2", "(100%)", "4"], "typing `1`: 3 s to read and 1 to type")
        #expect(try row("价格高 [price] → “别家报得低”", under: "回答选项").prefix(3) == ["1", "1", "(100%)"])
        #expect(lines.contains { $0.hasPrefix("    报价 [quote]：") && $0.contains("“再考虑考虑”") })
        // Mistakes with their date, scenario and what the script meant.
        #expect(lines.contains("出错 1 处（最近的在前）"))
        #expect(lines.contains { $0.hasPrefix("  \(today) ") && $0.contains("[price_haggler] 在 报价 [quote]，客户说“") && $0.contains("你进了 别家更便宜 [cheaper_elsewhere]；应该进 价格高 [price]") })
        #expect(lines.count < 60, "a screenful, not 85 lines")

        let everyone = try fixture.piped(["coverage"], input: "")
        #expect(everyone.output.contains("学员 小李\n  演练 2 通"))
        #expect(everyone.output.contains("学员 小王\n  演练 0 通（另有中途放弃 1 通，不计入），场景 0/6 个\n"))
        let li = try #require(everyone.output.range(of: "学员 小李")), wang = try #require(everyone.output.range(of: "学员 小王"))
        #expect(li.lowerBound < wang.lowerBound)

        // An agent with live calls but no rehearsal is told so; a name nobody has is an error.
        let liveOnly = try fixture.piped(["call", "粤B67890", "--agent", "小赵"], input: "1\n.end refused\n")
        #expect(liveOnly.status == 0)
        let zhao = try fixture.piped(["coverage", "--agent", "小赵"], input: "")
        #expect(zhao.status == 0)
        #expect(zhao.output.contains("学员 小赵\n  演练 0 通，场景 0/6 个\n"))
        #expect(zhao.output.contains("还没有完成的演练。"))
        let nobody = try fixture.piped(["coverage", "--agent", "小张"], input: "")
        #expect(nobody.status == 1)
        #expect(nobody.output.contains("no trainee or agent named 小张"))
        #expect(nobody.output.contains("trainees: 小李, 小王"))
    }

    @Test func coverageIsScoredFromTheLogBySameRulesAsTheSheet() throws {
        let fixture = try Fixture()
        let plan = try RehearsalPlan.make("price_haggler", seed: 7, wrongFirst: ["price": "别家"])
        let run = try fixture.rehearse("price_haggler", seed: 7, plan: plan)
        let rows = try fixture.store.trainingSteps(agent: "小李")
        #expect(Set(rows.map(\.callID)) == [1])
        let score = CoverageReport.score(rows)
        #expect(score.turns.count == plan.exchanges.filter { $0.customer != nil }.count)
        #expect(score.mistakes.count == 1)
        #expect(score.objections.map(\.wrongTries) == [1])
        #expect(run.output.contains("客户开口 \(score.turns.count) 次：一次就对 \(score.turns.count - 1) 次，改正后对 1 次，没有接上 0 次。"))
    }
}
