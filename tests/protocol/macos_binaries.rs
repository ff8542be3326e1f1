//! The darwin packages, which nothing here can run, inspected instead: the
//! architecture, the minimum macOS version, every library the binary loads
//! (each one every macOS has), and the code signature (present, and its
//! page hashes match the bytes, as the kernel checks them at page-in; on
//! Apple Silicon unsigned code does not run at all). Runs when
//! CHIMESDK_CHECK_DIST names a dist/ with the darwin zips (scripts/release).

use object::LittleEndian;
use object::macho::{
    CPU_TYPE_ARM64, CPU_TYPE_X86_64, LC_CODE_SIGNATURE, MachHeader64, PLATFORM_MACOS,
};
use object::read::macho::{LoadCommandVariant, MachHeader};
use sha2::{Digest, Sha256};

use crate::foreign_binaries::unpacked;

/// Libraries in every macOS since the minimum below: the C library and the
/// two frameworks rustls-native-certs reads the keychain's trust settings with.
const SYSTEM_LIBRARIES: &[&str] = &[
    "/usr/lib/libSystem.B.dylib",
    "/usr/lib/libiconv.2.dylib",
    // libiconv's own dependency on macOS; Rust's std links libiconv.
    "/usr/lib/libcharset.1.dylib",
    "/System/Library/Frameworks/Security.framework/Versions/A/Security",
    "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation",
];

/// What a load-command walk finds.
#[derive(Debug, Default)]
struct Inspected {
    cpu: u32,
    /// (major, minor) of LC_BUILD_VERSION's minos for macOS.
    min_macos: Option<(u32, u32)>,
    libraries: Vec<String>,
    /// LC_CODE_SIGNATURE: (offset, size) in the file.
    signature: Option<(usize, usize)>,
    /// LC_UUID, which recent dyld versions require (the release links
    /// without a debug map, so it is the same for every build of a commit).
    uuid: Option<[u8; 16]>,
}

fn inspect(data: &[u8]) -> Inspected {
    let header = MachHeader64::<LittleEndian>::parse(data, 0).expect("a 64-bit Mach-O");
    let e = header.endian().unwrap();
    let mut out = Inspected {
        cpu: header.cputype(e),
        ..Default::default()
    };
    let mut commands = header.load_commands(e, data, 0).unwrap();
    while let Some(command) = commands.next().unwrap() {
        match command.variant().unwrap() {
            LoadCommandVariant::Dylib(d) => {
                let name = command.string(e, d.dylib.name).unwrap();
                out.libraries
                    .push(String::from_utf8_lossy(name).into_owned());
            }
            LoadCommandVariant::BuildVersion(b) if b.platform.get(e) == PLATFORM_MACOS => {
                let v = b.minos.get(e);
                out.min_macos = Some((v >> 16, (v >> 8) & 0xff));
            }
            LoadCommandVariant::Uuid(u) => out.uuid = Some(u.uuid),
            LoadCommandVariant::LinkeditData(l) if command.cmd() == LC_CODE_SIGNATURE => {
                out.signature = Some((l.dataoff.get(e) as usize, l.datasize.get(e) as usize));
            }
            _ => {}
        }
    }
    out
}

fn be32(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(data[at..at + 4].try_into().unwrap())
}

/// Checks the embedded signature's CodeDirectory against the file: SHA-256
/// page hashes of everything before the signature. Returns its flags.
fn verify_code_directory(data: &[u8], (offset, size): (usize, usize)) -> u32 {
    let blob = &data[offset..offset + size];
    assert_eq!(
        be32(blob, 0),
        0xfade_0cc0,
        "an embedded signature SuperBlob"
    );
    let count = be32(blob, 8) as usize;
    let directory = (0..count)
        .map(|i| be32(blob, 12 + i * 8 + 4) as usize)
        .find(|&at| be32(blob, at) == 0xfade_0c02)
        .expect("a CodeDirectory");
    let cd = &blob[directory..];
    let flags = be32(cd, 12);
    let hash_offset = be32(cd, 16) as usize;
    let identifier = be32(cd, 20) as usize;
    let code_slots = be32(cd, 28) as usize;
    let code_limit = be32(cd, 32) as usize;
    let (hash_size, hash_type, page_log2) = (cd[36] as usize, cd[37], cd[39]);
    assert_eq!((hash_size, hash_type), (32, 2), "SHA-256 page hashes");
    let id_end = cd[identifier..].iter().position(|&b| b == 0).unwrap();
    let id = std::str::from_utf8(&cd[identifier..identifier + id_end]).unwrap();
    // The linker names it after its output file (zig: the crate's name and
    // a build hash); an ad-hoc signature needs no particular identifier.
    assert!(
        id.starts_with("terraform_provider_chimesdk"),
        "identifier {id}"
    );
    assert_eq!(
        code_limit, offset,
        "the signature covers every byte before it"
    );
    let page = 1usize << page_log2;
    assert_eq!(code_slots, code_limit.div_ceil(page));
    for slot in 0..code_slots {
        let start = slot * page;
        let end = (start + page).min(code_limit);
        let want = &cd[hash_offset + slot * 32..hash_offset + (slot + 1) * 32];
        assert_eq!(
            Sha256::digest(&data[start..end]).as_slice(),
            want,
            "page {slot} of the binary matches its hash"
        );
    }
    flags
}

/// `signed`: Apple Silicon runs no unsigned code; Intel Macs do, so there a
/// signature is checked only if the linker added one.
fn check(platform: &str, cpu: u32, min_macos: (u32, u32), signed: bool) {
    let dir = tempfile::tempdir().unwrap();
    let Some(binary) = unpacked(platform, dir.path()) else {
        return;
    };
    let data = std::fs::read(&binary).unwrap();
    let found = inspect(&data);
    assert_eq!(found.cpu, cpu, "{platform}: architecture");
    assert_eq!(
        found.min_macos,
        Some(min_macos),
        "{platform}: minimum macOS"
    );
    assert!(
        found.libraries.contains(&SYSTEM_LIBRARIES[0].to_string()),
        "{found:?}"
    );
    for lib in &found.libraries {
        assert!(
            SYSTEM_LIBRARIES.contains(&lib.as_str()),
            "{platform} loads {lib}, which not every macOS has"
        );
    }
    assert!(
        found.uuid.is_some_and(|u| u != [0; 16]),
        "{platform}: an LC_UUID"
    );
    let Some(signature) = found.signature else {
        assert!(!signed, "{platform}: no code signature");
        return;
    };
    let flags = verify_code_directory(&data, signature);
    // CS_ADHOC: signed without an identity, the least Apple Silicon runs.
    // Whether Gatekeeper lets a file Terraform downloaded run without a
    // Developer ID signature is unverified here (no Mac to try it on).
    assert_ne!(flags & 0x2, 0, "{platform}: an ad-hoc signature");
}

#[test]
fn darwin_amd64_is_an_x86_64_binary_for_macos_11_loading_only_system_libraries() {
    check("darwin_amd64", CPU_TYPE_X86_64, (11, 0), false);
}

#[test]
fn darwin_arm64_is_an_arm64_binary_for_macos_11_signed_ad_hoc() {
    check("darwin_arm64", CPU_TYPE_ARM64, (11, 0), true);
}
