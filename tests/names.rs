//! NAME-01: task names.

use asyncio::{current_task, spawn, RunConfig};

fn number(name: &str) -> u64 {
    name.strip_prefix("Task-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name} is not Task-N"))
}

#[test]
fn name_01_default_names_are_task_n_from_a_process_wide_counter() {
    let (main, a, b, d) = RunConfig::new().run(async {
        let main = current_task().unwrap().name();
        let a = spawn!(async {});
        let b = spawn!(async {});
        let n = spawn!(async {}, name = "worker");
        let i = spawn!(async {}, name = 123.to_string());
        let d = spawn!(async {});
        assert_eq!(n.name(), "worker");
        assert_eq!(i.name(), "123");
        (main, a.name(), b.name(), d.name())
    });
    let (main, a, b, d) = (number(&main), number(&a), number(&b), number(&d));
    assert!(main < a && a < b && b < d);
    assert!(d > b + 2, "explicit names still use up a number");
    let second_main = RunConfig::new().run(async { current_task().unwrap().name() });
    assert!(number(&second_main) > d, "the counter goes on across runs");
}

#[test]
fn debug_shows_name_and_state() {
    RunConfig::new().run(async {
        let t = spawn!(async {}, name = "w");
        assert!(format!("{t:?}").starts_with("<Task pending name=\"w\""));
        let _ = t.clone().await;
        assert!(format!("{t:?}").starts_with("<Task finished name=\"w\""));
    });
}
