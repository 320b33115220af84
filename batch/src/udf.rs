//! rapport's functions as DataFusion scalar functions, registered under the
//! same names in the driver, the Ballista scheduler and every executor:
//! - `rapport_record(columns…)`: one interaction as the SPEC 2.2 JSON object
//!   the core reads, from the columns of an NDJSON or Parquet scan (a column
//!   named like the field; nulls left out);
//! - `rapport_keys(job, record)`: the parts the record is routed to
//!   (`rapport::partition::Partitioner`);
//! - `rapport_cells(job, key, records)`: what one part gives (`Job::part`),
//!   computed by an engine holding that part's records, as JSON.
//!
//! They only carry data between DataFusion and the core: no figure is
//! computed here.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListBuilder, StringBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{exec_err, DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use serde_json::{Map, Value};

use crate::job::Job;

/// The three functions, to register wherever a plan of ours is read.
pub fn functions() -> Vec<Arc<ScalarUDF>> {
    vec![
        Arc::new(ScalarUDF::from(Udf::new(Which::Record))),
        Arc::new(ScalarUDF::from(Udf::new(Which::Keys))),
        Arc::new(ScalarUDF::from(Udf::new(Which::Cells))),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Which {
    Record,
    Keys,
    Cells,
}

#[derive(Debug)]
struct Udf {
    which: Which,
    signature: Signature,
}

impl PartialEq for Udf {
    fn eq(&self, other: &Self) -> bool {
        self.which == other.which
    }
}
impl Eq for Udf {}
impl Hash for Udf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.which.hash(state);
    }
}

impl Udf {
    fn new(which: Which) -> Udf {
        let signature = match which {
            Which::Record => Signature::variadic_any(Volatility::Immutable),
            Which::Keys => Signature::any(2, Volatility::Immutable),
            Which::Cells => Signature::any(3, Volatility::Immutable),
        };
        Udf { which, signature }
    }
}

/// A core error as a DataFusion one; the driver finds the code again by
/// its prefix (`error::from_datafusion`).
pub fn core_error(e: rapport::Error) -> DataFusionError {
    DataFusionError::External(Box::new(crate::error::Coded::from(e)))
}

/// Any string-like array as `Utf8`.
fn utf8(a: &ArrayRef) -> Result<ArrayRef> {
    Ok(cast(a, &DataType::Utf8)?)
}

/// The job of a call: the first argument, a literal the same on every row.
fn job_of(arg: &ArrayRef) -> Result<Job> {
    let a = utf8(arg)?;
    let text = a.as_string::<i32>();
    if text.is_empty() || text.is_null(0) {
        return exec_err!("rapport: a call without its job");
    }
    serde_json::from_str(text.value(0)).map_err(|e| DataFusionError::Execution(format!("rapport job: {e}")))
}

/// The value of `a`'s row `i` as JSON, or `None` for a null.
fn json_value(a: &ArrayRef, i: usize) -> Result<Option<Value>> {
    Ok(match ScalarValue::try_from_array(a, i)? {
        s if s.is_null() => None,
        ScalarValue::Utf8(Some(v)) | ScalarValue::LargeUtf8(Some(v)) | ScalarValue::Utf8View(Some(v)) => {
            Some(Value::String(v))
        }
        ScalarValue::Boolean(Some(b)) => Some(Value::Bool(b)),
        ScalarValue::Float64(Some(f)) => serde_json::Number::from_f64(f).map(Value::Number),
        ScalarValue::Float32(Some(f)) => serde_json::Number::from_f64(f64::from(f)).map(Value::Number),
        ScalarValue::Int64(Some(n)) => Some(Value::from(n)),
        ScalarValue::Int32(Some(n)) => Some(Value::from(n)),
        ScalarValue::UInt64(Some(n)) => Some(Value::from(n)),
        ScalarValue::UInt32(Some(n)) => Some(Value::from(n)),
        ScalarValue::List(list) => {
            let values = list.value(0);
            let mut out = Vec::with_capacity(values.len());
            for j in 0..values.len() {
                out.push(json_value(&values, j)?.unwrap_or(Value::Null));
            }
            Some(Value::Array(out))
        }
        other => {
            return exec_err!(
                "rapport_record: a column of type {} is not a SPEC 2.2 field",
                other.data_type()
            )
        }
    })
}

impl ScalarUDFImpl for Udf {
    fn name(&self) -> &str {
        match self.which {
            Which::Record => "rapport_record",
            Which::Keys => "rapport_keys",
            Which::Cells => "rapport_cells",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(match self.which {
            Which::Record | Which::Cells => DataType::Utf8,
            Which::Keys => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let names: Vec<String> = args.arg_fields.iter().map(|f| f.name().clone()).collect();
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out: ArrayRef = match self.which {
            Which::Record => {
                let mut b = StringBuilder::new();
                for i in 0..rows {
                    let mut object = Map::new();
                    for (name, a) in names.iter().zip(&arrays) {
                        if let Some(v) = json_value(a, i)? {
                            object.insert(name.clone(), v);
                        }
                    }
                    b.append_value(Value::Object(object).to_string());
                }
                Arc::new(b.finish())
            }
            Which::Keys => {
                let job = job_of(&arrays[0])?;
                let partitioner = job.partitioner().map_err(core_error)?;
                let records = utf8(&arrays[1])?;
                let records = records.as_string::<i32>();
                job.check(records.iter().flatten()).map_err(core_error)?;
                let mut b = ListBuilder::new(StringBuilder::new());
                for i in 0..rows {
                    if !records.is_null(i) {
                        for k in partitioner.keys(records.value(i)) {
                            b.values().append_value(k);
                        }
                    }
                    b.append(true);
                }
                Arc::new(b.finish())
            }
            Which::Cells => {
                let job = job_of(&arrays[0])?;
                let keys = utf8(&arrays[1])?;
                let keys = keys.as_string::<i32>();
                let lists = arrays[2].as_list::<i32>();
                let mut b = StringBuilder::new();
                for i in 0..rows {
                    let records = utf8(&lists.value(i))?;
                    let records = records.as_string::<i32>();
                    let lines = (0..records.len()).filter(|&j| !records.is_null(j)).map(|j| records.value(j));
                    let engine = job.engine_with(lines).map_err(core_error)?;
                    b.append_value(job.part(&engine, keys.value(i)).map_err(core_error)?);
                }
                Arc::new(b.finish())
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}
