//! The plugin bundle on disk: where it is, building it when it is missing,
//! and the version to deploy it as.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// The plugin's unique name in Flex, and its Serverless environment's.
pub const PLUGIN_NAME: &str = "plugin-multi-call";

/// Where `npm run build` writes the bundle, from the repository root.
pub const DEFAULT_BUNDLE: &str = "dist/plugin-multi-call.js";

/// Checks that a version is a semantic version (`1.2.3`, `1.2.3-rc.1`), as the Plugins API requires.
pub fn check_version(version: &str) -> Result<(), String> {
    semver::Version::parse(version)
        .map(|_| ())
        .map_err(|e| format!("--version must be a semantic version such as 1.2.3, not '{version}' ({e})"))
}

#[derive(Deserialize)]
struct CargoToml {
    package: Option<CargoPackage>,
}

#[derive(Deserialize)]
struct CargoPackage {
    version: Option<toml::Value>,
}

#[derive(Deserialize)]
struct PackageJson {
    version: Option<String>,
}

/// The version in `root/Cargo.toml` (`[package] version`) and `root/package.json`;
/// both must agree when both say one.
pub fn project_version(root: &Path) -> Result<String, String> {
    let cargo = match std::fs::read_to_string(root.join("Cargo.toml")) {
        Ok(text) => {
            let parsed: CargoToml = toml::from_str(&text)
                .map_err(|e| format!("{} is not valid TOML: {e}", root.join("Cargo.toml").display()))?;
            parsed
                .package
                .and_then(|p| p.version)
                .and_then(|v| v.as_str().map(str::to_string))
        }
        Err(_) => None,
    };
    let npm = match std::fs::read_to_string(root.join("package.json")) {
        Ok(text) => {
            let parsed: PackageJson = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not valid JSON: {e}", root.join("package.json").display()))?;
            parsed.version
        }
        Err(_) => None,
    };
    let version = match (cargo, npm) {
        (Some(c), Some(n)) if c != n => {
            return Err(format!(
                "Cargo.toml says version {c} and package.json says {n}; make them agree, or pass --version"
            ))
        }
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => {
            return Err(format!(
                "no version: neither {} nor {} has one; run from the repository root, or pass --version",
                root.join("Cargo.toml").display(),
                root.join("package.json").display()
            ))
        }
    };
    check_version(&version).map_err(|e| e.replace("--version must be", "the project version must be"))?;
    Ok(version)
}

/// Runs `npm run build` in `root`, sending its output to `note`.
pub fn npm_build(root: &Path, note: &dyn Fn(&str)) -> Result<(), String> {
    note(&format!("note: {DEFAULT_BUNDLE} is missing; building it with `npm run build`"));
    let output = Command::new("npm")
        .args(["run", "build"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run `npm run build` to build the bundle: {e}; build it yourself, or pass --bundle PATH"))?;
    for line in String::from_utf8_lossy(&output.stdout).lines().chain(String::from_utf8_lossy(&output.stderr).lines()) {
        note(&format!("  {line}"));
    }
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("`npm run build` failed ({}); see its output above", output.status))
    }
}

/// Where the bundle is: the path given, or the default one under `root`.
pub fn bundle_path(root: &Path, given: Option<&Path>) -> PathBuf {
    given.map_or_else(|| root.join(DEFAULT_BUNDLE), Path::to_path_buf)
}

/// Reads the bundle; when the default one is missing, builds it first with `build`.
pub fn read_bundle(
    root: &Path,
    given: Option<&Path>,
    build: &dyn Fn() -> Result<(), String>,
) -> Result<(PathBuf, Vec<u8>), String> {
    let path = bundle_path(root, given);
    if given.is_none() && !path.exists() {
        build()?;
    }
    let bytes = std::fs::read(&path).map_err(|e| match given {
        Some(_) => format!("cannot read the bundle {}: {e}", path.display()),
        None => format!("cannot read the bundle {} after building it: {e}", path.display()),
    })?;
    if bytes.is_empty() {
        return Err(format!("the bundle {} is empty", path.display()));
    }
    Ok((path, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("multi-call-setup-bundle-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_repository_version_is_read_from_cargo_toml_and_package_json() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let v = project_version(&root).unwrap();
        assert!(semver::Version::parse(&v).is_ok(), "{v}");
    }

    #[test]
    fn disagreeing_or_missing_versions_are_named() {
        let dir = temp_dir("versions");
        assert!(project_version(&dir).unwrap_err().contains("pass --version"));
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\nversion = \"0.2.0\"\n").unwrap();
        assert_eq!(project_version(&dir).unwrap(), "0.2.0");
        std::fs::write(dir.join("package.json"), r#"{"version": "0.3.0"}"#).unwrap();
        let e = project_version(&dir).unwrap_err();
        assert!(e.contains("0.2.0") && e.contains("0.3.0"), "{e}");
        std::fs::write(dir.join("package.json"), r#"{"version": "0.2"}"#).unwrap();
        std::fs::remove_file(dir.join("Cargo.toml")).unwrap();
        assert!(project_version(&dir).unwrap_err().contains("semantic version"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn versions_must_be_semantic() {
        assert!(check_version("1.2.3-rc.1").is_ok());
        assert!(check_version("1.2").unwrap_err().contains("'1.2'"));
        assert!(check_version("../1.2.3").is_err());
    }

    #[test]
    fn a_given_bundle_is_read_as_is_and_a_missing_one_is_named() {
        let dir = temp_dir("read");
        let path = dir.join("b.js");
        std::fs::write(&path, b"\x00\xffbundle").unwrap();
        let never = || -> Result<(), String> { panic!("a given bundle is never built") };
        assert_eq!(read_bundle(&dir, Some(&path), &never).unwrap().1, b"\x00\xffbundle");
        let e = read_bundle(&dir, Some(&dir.join("nope.js")), &never).unwrap_err();
        assert!(e.contains("nope.js"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_default_bundle_is_built_first_and_a_failed_build_stops() {
        let dir = temp_dir("build");
        let built = std::cell::Cell::new(0);
        let build = || -> Result<(), String> {
            built.set(built.get() + 1);
            std::fs::create_dir_all(dir.join("dist")).unwrap();
            std::fs::write(dir.join(DEFAULT_BUNDLE), "built").unwrap();
            Ok(())
        };
        assert_eq!(read_bundle(&dir, None, &build).unwrap().1, b"built");
        assert_eq!(read_bundle(&dir, None, &build).unwrap().1, b"built");
        assert_eq!(built.get(), 1, "built only when missing");
        std::fs::remove_file(dir.join(DEFAULT_BUNDLE)).unwrap();
        let failing = || -> Result<(), String> { Err("`npm run build` failed".into()) };
        assert!(read_bundle(&dir, None, &failing).unwrap_err().contains("npm run build"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
