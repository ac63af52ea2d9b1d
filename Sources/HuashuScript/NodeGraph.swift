/// Which node an answer leads to, with nodes numbered by their place in file
/// order. All edges sit in one flat array rather than one array per node:
/// the flow checks walk it twice over, and a script may have thousands of nodes.
struct NodeGraph {
    /// Every edge's target, grouped by the node it leaves.
    private var targets: [Int] = []
    /// Where each node's edges start in `targets`; one entry more than there are nodes.
    private var starts: [Int] = [0]

    init() {}

    var nodeCount: Int { starts.count - 1 }

    /// Adds an edge from the node being added to `target`.
    mutating func addEdge(to target: Int) {
        targets.append(target)
    }

    /// Ends the node being added: the edges added since the last one are its.
    mutating func closeNode() {
        starts.append(targets.count)
    }

    func edges(from node: Int) -> ArraySlice<Int> {
        targets[starts[node]..<starts[node + 1]]
    }

    /// The same edges turned around: from each node to the nodes that lead to it.
    var reversed: NodeGraph {
        var reversed = NodeGraph()
        var counts = [Int](repeating: 0, count: nodeCount + 1)
        for target in targets { counts[target + 1] += 1 }
        for node in 0..<nodeCount { counts[node + 1] += counts[node] }
        reversed.starts = counts
        reversed.targets = [Int](repeating: 0, count: targets.count)
        var filled = counts
        for node in 0..<nodeCount {
            for target in edges(from: node) {
                reversed.targets[filled[target]] = node
                filled[target] += 1
            }
        }
        return reversed
    }

    /// Marks every node that can be reached from the seeds along the edges.
    func spread(from seeds: [Int], into marked: inout [Bool]) {
        var queue = seeds
        while let at = queue.popLast() {
            guard !marked[at] else { continue }
            marked[at] = true
            for next in edges(from: at) where !marked[next] { queue.append(next) }
        }
    }
}
