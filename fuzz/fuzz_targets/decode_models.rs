//! Fuzzes the models of `c1::models` (feature `full`) with arbitrary
//! response bodies.
//!
//! Each input goes to one model (decoding every input into all of them
//! would make each run a thousand times slower): an input `Name\n<body>`,
//! where `Name` is a model of `tests/fixtures/api/models.rs`, goes to that
//! model (the seeds are written so); any other input is two bytes that pick
//! a model (big-endian, modulo the number of models) and the body.
//!
//! The body is decoded the way the runtime decodes a 2xx body
//! (`c1-runtime/src/decode.rs`: a blank body reads as `{}`,
//! `serde_path_to_error` names the failing JSON path, trailing data is an
//! error), on a thread with a 1 MiB stack: c1's models promise `Ok` or a
//! decode error for any body on such a stack, so an overflow is a crash.
//! Besides "never panics, never overflows the stack", a body that decodes
//! must write back (`serde_json::to_vec` succeeds), the written JSON must
//! decode to an equal value, and writing that value again must give the
//! same bytes (the written form is canonical).

#![no_main]

use std::fmt::Debug;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The stack of the thread that decodes.
const STACK: usize = 1 << 20;

type Check = fn(&[u8]);

macro_rules! models {
    ($($t:ident,)+) => {
        /// Every request and response model, sorted by name.
        static MODELS: &[(&str, Check)] = &[$((stringify!($t), check::<c1::models::$t>),)+];
    };
}
include!("../../tests/fixtures/api/models.rs");

/// The model an input goes to, and its body.
fn pick(input: &[u8]) -> Option<(Check, &[u8])> {
    if let Some(end) = input.iter().position(|&b| b == b'\n')
        && let Ok(name) = std::str::from_utf8(&input[..end])
        && let Ok(i) = MODELS.binary_search_by(|(n, _)| (*n).cmp(name))
    {
        return Some((MODELS[i].1, &input[end + 1..]));
    }
    let (selector, body) = input.split_first_chunk::<2>()?;
    let i = usize::from(u16::from_be_bytes(*selector)) % MODELS.len();
    Some((MODELS[i].1, body))
}

/// The decoding thread: inputs in, one `()` out per input done. A panic or
/// an overflow there aborts the process, which libFuzzer reports.
struct Worker {
    inputs: Sender<(Check, Vec<u8>)>,
    done: Receiver<()>,
}

static WORKER: Mutex<Option<Worker>> = Mutex::new(None);

fn worker() -> Worker {
    let (inputs, todo) = channel::<(Check, Vec<u8>)>();
    let (finished, done) = channel();
    std::thread::Builder::new()
        .name("decode".into())
        .stack_size(STACK)
        .spawn(move || {
            for (check, body) in todo {
                check(&body);
                if finished.send(()).is_err() {
                    return;
                }
            }
        })
        .expect("a thread");
    Worker { inputs, done }
}

fuzz_target!(|input: &[u8]| {
    let Some((check, body)) = pick(input) else {
        return;
    };
    let mut guard = WORKER.lock().unwrap();
    let w = guard.get_or_insert_with(worker);
    w.inputs.send((check, body.to_vec())).expect("the decoding thread");
    w.done.recv().expect("the decoding thread");
});

fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(body: &[u8]) {
    let Some(first) = decode::<T>(body) else {
        return;
    };
    let name = std::any::type_name::<T>();
    let written = match serde_json::to_vec(&first) {
        Ok(written) => written,
        Err(e) => panic!("{name}: decoded {first:?} but cannot write it: {e}"),
    };
    let second = decode::<T>(&written).unwrap_or_else(|| {
        panic!(
            "{name}: {first:?} was written as {} which does not decode",
            String::from_utf8_lossy(&written)
        )
    });
    assert_eq!(
        first,
        second,
        "{name}: changed by a write and read through {}",
        String::from_utf8_lossy(&written)
    );
    let rewritten = serde_json::to_vec(&second).expect("written once, so writes again");
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&rewritten),
        "{name}: the written form is not stable"
    );
}

/// The runtime's `decode`, minus building the `c1::Error`: `None` on error
/// (after formatting the path and message, as the runtime does).
fn decode<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    if let Ok(value) = serde_json::from_slice(body) {
        return Some(value);
    }
    // The runtime's second pass, for the error's path.
    let mut de = serde_json::Deserializer::from_slice(body);
    let decoded = serde_path_to_error::deserialize::<_, T>(&mut de)
        .map_err(|e| (e.path().to_string(), e.into_inner()))
        .and_then(|value| de.end().map(|()| value).map_err(|e| (String::new(), e)));
    match decoded {
        Ok(_) => panic!(
            "{}: the second pass decodes what the first refused",
            std::any::type_name::<T>()
        ),
        Err((path, inner)) => {
            std::hint::black_box((path, inner.to_string()));
            None
        }
    }
}
