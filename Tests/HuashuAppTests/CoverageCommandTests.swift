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

        let turns = haggler.exchanges.filter { $0.customer != nil }.count + twice.exchanges.filter { $0.customer != nil }.count
        let result = try fixture.piped(["coverage", "--agent", "小李"], input: "")
        #expect(result.status == 0)
        let lines = result.output.components(separatedBy: "\n")
        #expect(lines.first == "学员 小李：演练 2 通，客户开口 \(turns) 次，一次答对 \(turns - 1) 次 (\(Int((Double(turns - 1) * 100 / Double(turns)).rounded()))%)")
        func row(_ id: String, _ header: String) throws -> [String] {
            let start = try #require(lines.firstIndex { $0.hasPrefix("  \(header)") })
            let line = try #require(lines[start...].first { $0.contains("[\(id)]") })
            return line.split(separator: " ").suffix(3).map(String.init)
        }
        #expect(try row("price", "异议处理") == ["2", "1", "50%"])
        #expect(try row("think", "异议处理") == ["1", "1", "100%"])
        #expect(try row("meet_in_person", "异议处理") == ["0", "-", "从未练过"])
        #expect(try row("quote", "步骤") == ["3", "2", "67%"])
        #expect(try row("greet", "步骤") == ["2", "2", "100%"])
        #expect(try row("how_number", "步骤") == ["0", "-", "从未练过"])
        // Never practised first, then the weakest.
        let objections = lines.drop { !$0.hasPrefix("  异议处理") }.dropFirst().prefix { !$0.hasPrefix("  步骤") }
        let handlers = try ScriptFiles.load([RehearsalPlan.dialogues]).objections.count
        #expect(objections.count == handlers)
        #expect(objections.prefix(handlers - 2).allSatisfy { $0.hasSuffix("从未练过") })
        #expect(objections.suffix(2).map { $0.split(separator: " ").last.map(String.init) ?? "" } == ["50%", "100%"])

        let everyone = try fixture.piped(["coverage"], input: "")
        #expect(everyone.output.contains("学员 小李：演练 2 通"))
        #expect(everyone.output.contains("学员 小王：演练 1 通，客户开口 1 次，一次答对 0 次 (0%)"))
        let li = try #require(everyone.output.range(of: "学员 小李")), wang = try #require(everyone.output.range(of: "学员 小王"))
        #expect(li.lowerBound < wang.lowerBound)

        let nobody = try fixture.piped(["coverage", "--agent", "小张"], input: "")
        #expect(nobody.output.hasPrefix("学员 小张：演练 0 通，客户开口 0 次，一次答对 0 次\n"))
        #expect(nobody.output.contains("价格高 [price]"))
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
