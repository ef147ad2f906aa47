//! Reads the shim's plain JS objects for `decode`, with js-sys.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::decode::{Kind, Source};

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

    fn field(&self, key: &str) -> JsValue {
        if !self.is_object() {
            return JsValue::UNDEFINED;
        }
        // A throwing getter reads as absent; decode then names the field if it was needed.
        Reflect::get(self, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
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
