//! scratch
use plenty_core::lp::pdlp::{PdhgScheme, Pdlp, PdlpSettings};
use plenty_core::lp::LpSettings;
use plenty_io::mps::read_mps;
use std::path::Path;

#[test]
#[ignore]
fn netlib_report() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lp");
    let which = std::env::var("NETLIB").unwrap_or("afiro,adlittle,sc50a,kb2,blend".into());
    for name in which.split(',') {
        let lp = read_mps(&dir.join(format!("{name}.mps"))).unwrap();
        for scheme in [PdhgScheme::Halpern, PdhgScheme::Adaptive] {
            let s = Pdlp::new(PdlpSettings {
                scheme,
                lp: LpSettings {
                    tolerance: 1e-6,
                    max_iterations: 2_000_000,
                    time_limit: Some(60.0),
                },
                ..Default::default()
            });
            let (sol, st) = s.solve_with_stats(&lp, None, None).unwrap();
            println!("{name:9} {scheme:?}: {} obj {:.10} iters {} restarts {} rejected {} {:.3}s cert {:?}", sol.status, sol.objective, st.iterations, st.restarts, st.rejected_steps, sol.info.seconds, sol.info.certificate);
        }
    }
}

#[test]
#[ignore]
fn write_planning_mps() {
    use plenty_core::generate::GeneratorSettings;
    use plenty_core::lp::synthetic::{planning_lp, PlanningLpSettings};
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    let out = std::env::var("OUT").unwrap();
    let lp = planning_lp(&PlanningLpSettings {
        economy: GeneratorSettings {
            n,
            ..Default::default()
        },
        techniques: 2,
    })
    .unwrap();
    plenty_io::mps::write_mps(Path::new(&out), &lp).unwrap();
}
