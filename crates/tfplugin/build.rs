//! Compiles proto/ with protox (pure Rust, no protoc needed) into server stubs.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "proto/tfplugin6.proto",
        "proto/grpc_controller.proto",
        "proto/grpc_stdio.proto",
        "proto/grpc_broker.proto",
    ];
    for file in files {
        println!("cargo:rerun-if-changed={file}");
    }
    let descriptors = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        // Tests drive the server in-process through a client.
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
