import HuashuScript
import HuashuStore

/// What `huashu --version` names: the program, the dialogue format it reads and
/// the database schema it writes, so a desk and a trainer can tell whether
/// their files and a colleague's build agree.
public enum Release {
    public static let version = "0.5.0"

    public static var description: String {
        "huashu \(version) (script format \(ScriptFormat.version), database schema \(Store.schemaVersion))"
    }
}
