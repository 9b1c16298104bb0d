//! [`AsyncUio`]: a UIO device awaited on tokio's reactor (feature `tokio`).

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::{AsyncInterrupt, IrqControl, IrqError, IrqEvent, IrqOperation};
use crate::map::Uio;

/// A [`Uio`] whose interrupts are awaited on tokio's reactor (`AsyncFd`).
///
/// ```no_run
/// # async fn run() -> Result<(), mmreg::irq::IrqError> {
/// use mmreg::{irq::AsyncUio, map::Uio};
/// let mut irq = AsyncUio::new(Uio::open_by_name("my-fpga-ip")?)?;
/// loop {
///     let event = irq.wait().await?;
///     // ... acknowledge the interrupt in the device, then:
///     irq.enable_irq()?;
/// #   let _ = event;
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncUio {
    fd: AsyncFd<Uio>,
}

impl AsyncUio {
    /// Registers `uio`'s descriptor (already non-blocking) with the reactor
    /// of the current tokio runtime, which must have I/O enabled
    /// (`enable_io`, or `enable_all`). On failure the device is closed.
    ///
    /// # Panics
    /// Outside a tokio runtime, as tokio's `AsyncFd` does.
    pub fn new(uio: Uio) -> Result<AsyncUio, IrqError> {
        // SAFETY: tokio needs the descriptor to stay open and the same for
        // the life of the `AsyncFd`. `Uio` owns its `File`, never replaces it
        // and closes it only on drop; `AsyncUio` hands out only `&Uio`
        // (never `&mut Uio`, through which the whole `Uio` could be swapped)
        // until `into_inner` takes the `Uio` back out of the `AsyncFd`.
        let registered = unsafe { AsyncFd::register_with_interest(uio, Interest::READABLE) };
        match registered {
            Ok(fd) => Ok(AsyncUio { fd }),
            Err(error) => {
                let (uio, error) = error.into_parts();
                Err(IrqError::Device {
                    path: uio.path().to_owned(),
                    operation: IrqOperation::Register,
                    error,
                })
            }
        }
    }

    /// Waits for the next interrupt and returns its event, as
    /// [`Uio::wait`] does (the same `missed` rules). Cancel-safe: dropping the
    /// future loses no event.
    pub async fn wait(&mut self) -> Result<IrqEvent, IrqError> {
        loop {
            let mut guard = match self.fd.readable_mut().await {
                Ok(guard) => guard,
                Err(error) => {
                    return Err(IrqError::Device {
                        path: self.fd.get_ref().path().to_owned(),
                        operation: IrqOperation::Wait,
                        error,
                    });
                }
            };
            // `try_io` clears the readiness when the read would block, so
            // the next `readable_mut` waits for the reactor again.
            let read = guard.try_io(|fd| match fd.get_mut().read_event() {
                Ok(Some(event)) => Ok(Ok(event)),
                Ok(None) => Err(std::io::ErrorKind::WouldBlock.into()),
                Err(error) => Ok(Err(error)),
            });
            if let Ok(Ok(result)) = read {
                return result;
            }
        }
    }

    /// [`Uio::enable_irq`]: re-arms the interrupt (this does not block).
    pub fn enable_irq(&mut self) -> Result<IrqControl, IrqError> {
        self.fd.get_mut().enable_irq()
    }

    /// [`Uio::disable_irq`].
    pub fn disable_irq(&mut self) -> Result<IrqControl, IrqError> {
        self.fd.get_mut().disable_irq()
    }

    /// The device, for mapping or reading its attributes. There is no
    /// `get_mut`: the reactor relies on the descriptor staying the same.
    pub fn get_ref(&self) -> &Uio {
        self.fd.get_ref()
    }

    /// Deregisters the descriptor and gives the device back.
    pub fn into_inner(self) -> Uio {
        self.fd.into_inner()
    }
}

impl AsyncInterrupt for AsyncUio {
    async fn wait(&mut self) -> Result<IrqEvent, IrqError> {
        AsyncUio::wait(self).await
    }

    fn rearm(&mut self) -> Result<(), IrqError> {
        self.enable_irq().map(drop)
    }
}
