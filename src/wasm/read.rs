//! Reads the shim's plain JS objects for `decode`, with js-sys.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::decode::{Kind, Source};

thread_local! {
    /// The JS strings of the decoder's field names, by the literal's address.
    static KEYS: std::cell::RefCell<Vec<(usize, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `key` as a JS string, made once per literal: a string out of the wasm goes
/// through the glue's decoder, and a task's event alone reads about twenty
/// field names (1,730 decoder calls in the listener benchmark's sequence, 209 after).
fn key_js(key: &'static str) -> JsValue {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        let at = key.as_ptr() as usize;
        if let Some((_, js)) = keys.iter().find(|(p, _)| *p == at) {
            return js.clone();
        }
        let js = JsValue::from_str(key);
        keys.push((at, js.clone()));
        js
    })
}

impl Source for JsValue {
    fn kind(&self) -> Kind {
        if self.is_undefined() {
            Kind::Absent
        } else if self.is_null() {
            Kind::Null
        } else if let Some(b) = self.as_bool() {
            Kind::Bool(b)
        } else if let Some(n) = self.as_f64() {
            Kind::Num(n)
        } else if let Some(s) = self.as_string() {
            Kind::Text(s)
        } else if Array::is_array(self) {
            Kind::Array
        } else {
            Kind::Object
        }
    }

    fn field(&self, key: &'static str) -> JsValue {
        // Reflect.get throws on a value that is not an object, as does a
        // throwing getter: either reads as absent, and decode then names the
        // field if it was needed. (No separate object check: every check is
        // a call out of the wasm, and decode checks the objects it reads.)
        Reflect::get(self, &key_js(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn is_record(&self) -> bool {
        self.is_object() && !Array::is_array(self)
    }

    fn is_list(&self) -> bool {
        Array::is_array(self)
    }

    fn as_text(&self) -> Option<String> {
        self.as_string()
    }

    fn as_flag(&self) -> Option<bool> {
        self.as_bool()
    }

    fn as_num(&self) -> Option<f64> {
        self.as_f64()
    }

    fn items(&self) -> Vec<JsValue> {
        self.dyn_ref::<Array>().map(|a| a.iter().collect()).unwrap_or_default()
    }

    fn entries(&self) -> Vec<(String, JsValue)> {
        let Some(object) = self.dyn_ref::<Object>() else { return Vec::new() };
        Object::entries(object)
            .iter()
            .filter_map(|pair| {
                let pair = Array::from(&pair);
                Some((pair.get(0).as_string()?, pair.get(1)))
            })
            .collect()
    }
}
